from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions


class ExpiringTokenAuthentication(TokenAuthentication):
    """Knox tokens (hashed, expiring, revocable) that also die when the user's password
    changes or the user is deactivated."""

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        changed = user.password_changed_at
        if changed is not None and token.created < changed:
            token.delete()
            raise exceptions.AuthenticationFailed(_("Token revoked by a password change."))
        return user, token
