"""Celery tasks of the accounts app. Tasks take ids, call services, and are safe to re-run."""

import smtplib
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ApprovalRequest, ApprovalStep, Notification
from accounts.services.approvals import eligible_approvers
from accounts.services.notifications import notify

APPROVAL_REMINDER_AFTER = timedelta(days=2)


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail each notification once: the row is claimed before sending and released again
    if the mail server fails, so a retry sends what is still unsent. A failure does not hold
    back the other recipients; the first error is raised at the end (and retried)."""
    sent = 0
    failure: Exception | None = None
    for notification in Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("recipient"):
        if not notification.recipient.email:
            continue
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            continue
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{notification.url}"
        try:
            send_mail(
                subject=notification.title,
                message=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[notification.recipient.email],
            )
        except Exception as exc:
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            failure = failure or exc
            continue
        sent += 1
    if failure is not None:
        raise failure
    return sent


@shared_task
def purge_old_notifications(days: int = 180) -> int:
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = Notification.objects.filter(read_at__isnull=False, created_at__lt=cutoff).delete()
    return deleted


@shared_task
def remind_waiting_approvals() -> int:
    """Approvals waiting more than two days: remind the approvers — again every two days
    while the step waits, at most once per step and period (idempotent)."""
    cutoff = timezone.now() - APPROVAL_REMINDER_AFTER
    steps = ApprovalStep.objects.filter(
        status=ApprovalStep.Status.PENDING,
        request__status=ApprovalRequest.Status.PENDING,
        activated_at__lt=cutoff,
    ).select_related("request__department", "request__submitted_by", "position")
    count = 0
    for step in steps.iterator(chunk_size=500):
        request = step.request
        count += len(
            notify(
                recipients=eligible_approvers(request, step),
                kind="approval.reminder",
                title=_("Still waiting for your approval: %(title)s"),
                body=_("“%(title)s” from %(author)s has been waiting for more than two days."),
                params={"title": request.title, "author": request.submitted_by},
                url=f"/approvals/{request.pk}/",
                target=request,
                dedup_key=(
                    f"approval-waiting:{request.pk}:{step.sequence}:"
                    f"{(timezone.now() - step.activated_at) // APPROVAL_REMINDER_AFTER}"
                ),
            )
        )
    return count
