"""The audit log: one place that records security-relevant events (DB row + log line)."""

import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from accounts.models import AuditEvent

log = logging.getLogger("kamcrm.security")


def client_ip(request) -> str | None:
    """The client's address, the one used by the audit log, login lockout (axes) and API
    throttling (DRF's NUM_PROXIES) alike. Behind ``TRUSTED_PROXY_COUNT`` reverse proxies it is
    taken from X-Forwarded-For, counting from the right (entries further left are the
    client's own claims and cannot be trusted)."""
    if request is None:
        return None
    meta = getattr(request, "META", {})
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [
            p.strip() for p in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return meta.get("REMOTE_ADDR") or None


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
