"""The one way any app tells a user something: an in-app notification, optionally e-mailed.

Texts are translatable strings with ``%(name)s`` placeholders; they are rendered in each
recipient's language. ``dedup_key`` makes reminders idempotent (one per recipient and key)."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from accounts.models import Notification, User

_email_suppressed: ContextVar[bool] = ContextVar("kam_email_suppressed", default=False)


@contextmanager
def emails_suppressed():
    """Bulk jobs (demo data, imports) notify in-app only, without queueing e-mails."""
    token = _email_suppressed.set(True)
    try:
        yield
    finally:
        _email_suppressed.reset(token)


def _render(text, params: dict | None, language: str) -> str:
    if not text:
        return ""
    with translation.override(language):
        rendered = str(text)
        if params:
            rendered = rendered % {
                k: (str(v) if not isinstance(v, int | float) else v) for k, v in params.items()
            }
    return rendered


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title,
    body="",
    params: dict | None = None,
    url: str = "",
    target=None,
    dedup_key: str | None = None,
    email: bool = True,
) -> list[Notification]:
    """Create one notification per active recipient; skip those who already got ``dedup_key``.
    E-mails are queued after the surrounding transaction commits."""
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    created: list[Notification] = []
    seen: set[int] = set()
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        language = user.language or settings.LANGUAGE_CODE
        notification = Notification(
            recipient=user,
            kind=kind,
            title=_render(title, params, language)[:200],
            body=_render(body, params, language),
            url=url,
            target_type=target_type,
            target_id=getattr(target, "pk", None),
            dedup_key=dedup_key,
        )
        if dedup_key:
            if Notification.objects.filter(recipient=user, dedup_key=dedup_key).exists():
                continue
            try:
                with transaction.atomic():
                    notification.save()
            except IntegrityError:  # a concurrent run sent it first
                continue
        else:
            notification.save()
        created.append(notification)
    if email and not _email_suppressed.get():
        ids = [n.pk for n in created if n.recipient.email]
        if ids:
            from accounts.tasks import send_notification_emails

            transaction.on_commit(lambda: send_notification_emails.delay(ids))
    return created


def notification_mark_read(*, actor: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read (all unread ones when no ids are given)."""
    qs = Notification.objects.for_user(actor).unread()
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.for_user(user).unread().count()
