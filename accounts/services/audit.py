"""The audit log: one place that records security-relevant events (DB row + log line)."""

import logging

from django.contrib.contenttypes.models import ContentType

from accounts.models import AuditEvent

log = logging.getLogger("kamcrm.security")


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *, kind: str, request=None, actor=None, username: str = "", detail: dict | None = None
) -> AuditEvent:
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if not username and actor is not None:
        username = actor.get_username()
    event = AuditEvent.objects.create(
        kind=kind,
        actor=actor,
        username=username[:150],
        ip_address=client_ip(request),
        path=(request.get_full_path()[:300] if request is not None else ""),
        detail=detail or {},
    )
    log.info(
        "%s user=%s ip=%s path=%s detail=%s",
        kind,
        username or "-",
        event.ip_address or "-",
        event.path or "-",
        event.detail,
    )
    return event


def audit_refused_access(*, request, reason: str, target=None, lookup=None) -> None:
    detail = {"reason": reason, "method": request.method}
    if target is not None:
        detail["model"] = ContentType.objects.get_for_model(target).model
    if lookup:
        detail["lookup"] = {k: str(v) for k, v in lookup.items()}
    audit_record(kind=AuditEvent.Kind.REFUSED, request=request, detail=detail)
