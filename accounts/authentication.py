from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions


class ExpiringTokenAuthentication(TokenAuthentication):
    """Knox tokens (hashed, expiring, revocable) that also die when the user's password
    changes or the user is deactivated.

    A token refused for either reason is deleted, so it stays dead if the user is
    reactivated, and the refusal is audited once (the token cannot be presented again)."""

    def authenticate(self, request):
        self._request = request
        return super().authenticate(request)

    def validate_user(self, auth_token):
        user = auth_token.user
        if not user.is_active:
            self._revoke(auth_token, "user_inactive")
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        changed = user.password_changed_at
        if changed is not None and auth_token.created < changed:
            self._revoke(auth_token, "password_changed")
            raise exceptions.AuthenticationFailed(_("Token revoked by a password change."))
        return user, auth_token

    def _revoke(self, auth_token, reason: str) -> None:
        from accounts.models import AuditEvent
        from accounts.services.audit import audit_record

        user = auth_token.user
        auth_token.delete()
        audit_record(
            kind=AuditEvent.Kind.REFUSED,
            request=getattr(self, "_request", None),
            actor=user,
            detail={"reason": reason, "auth": "token"},
        )
