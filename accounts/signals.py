"""Audit of logins and logouts (success and failure), whatever the entry point."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.services.audit import audit_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if isinstance(request, HttpRequest):  # browser login (an API token login has no session)
        now = int(timezone.now().timestamp())
        request.session["kam_auth_at"] = now
        request.session["kam_seen_at"] = now
    audit_record(kind=AuditEvent.Kind.LOGIN, request=request, actor=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(kind=AuditEvent.Kind.LOGOUT, request=request, actor=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit_record(
        kind=AuditEvent.Kind.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", ""))[:150],
    )
