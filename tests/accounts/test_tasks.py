"""Celery tasks of the accounts app (run eagerly here, errors propagated): e-mailing
notifications exactly once, reminding approvers of waiting approvals once, purging old
notifications. The real broker and worker: test_broker.py."""

import smtplib
from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.utils import timezone

from accounts import tasks
from accounts.models import ApprovalStep, Notification
from accounts.services.approvals import (
    Decision,
    approval_decide,
    approval_submit,
    approval_withdraw,
)
from accounts.tasks import (
    purge_old_notifications,
    remind_waiting_approvals,
    send_notification_emails,
)
from config.celery import app
from tests.accounts.helpers import MANAGER_LIMIT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_periodic_jobs_are_scheduled():
    scheduled = {job["task"] for job in app.conf.beat_schedule.values()}
    assert {
        "accounts.tasks.remind_waiting_approvals",
        "accounts.tasks.purge_old_notifications",
    } <= scheduled


# --- send_notification_emails -----------------------------------------------------------------


def notification(user, title="请审批", **fields):
    return Notification.objects.create(recipient=user, kind="test", title=title, **fields)


def test_each_notification_is_emailed_once(people, mailoutbox):
    manager = people["manager"]
    first, second = notification(manager, "通知一"), notification(manager, "通知二", url="/x/")

    assert send_notification_emails.delay([first.pk, second.pk]).get() == 2
    assert send_notification_emails.delay([first.pk, second.pk]).get() == 0  # a re-run

    assert sorted(m.subject for m in mailoutbox) == ["通知一", "通知二"]
    assert all(m.to == [manager.email] for m in mailoutbox)
    assert Notification.objects.filter(emailed_at=None).count() == 0


def test_recipients_without_an_address_are_skipped(people, mailoutbox):
    am1 = people["am1"]
    am1.email = ""
    am1.save()
    row = notification(am1)
    assert send_notification_emails([row.pk]) == 0
    assert mailoutbox == []
    row.refresh_from_db()
    assert row.emailed_at is None


@pytest.fixture
def failing_mail_to(monkeypatch):
    """``failing_mail_to(address)``: the mail server refuses mail for that address."""

    def install(address, error=None):
        error = error or smtplib.SMTPServerDisconnected("connection lost")
        attempts = []

        def send_mail(**kwargs):
            attempts.append(kwargs["recipient_list"])
            if address in kwargs["recipient_list"]:
                raise error
            return mail.send_mail(**kwargs)

        monkeypatch.setattr(tasks, "send_mail", send_mail)
        return attempts

    return install


def test_a_failed_send_releases_the_claim_and_re_raises(people, mailoutbox, failing_mail_to):
    manager, director = people["manager"], people["director"]
    other, failing = notification(manager, "发给经理"), notification(director, "发给总监")
    failing_mail_to(director.email)

    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_notification_emails([other.pk, failing.pk])  # called directly: no retry

    failing.refresh_from_db()
    other.refresh_from_db()
    assert failing.emailed_at is None  # released: a retry sends it
    # one refused address does not hold back the other recipients' mail
    assert other.emailed_at is not None
    assert [m.subject for m in mailoutbox] == ["发给经理"]

    # the server is back: the retry sends only what is still unsent
    failing_mail_to("nobody@example.invalid")
    assert send_notification_emails([other.pk, failing.pk]) == 1
    assert [m.subject for m in mailoutbox] == ["发给经理", "发给总监"]
    assert not Notification.objects.filter(emailed_at=None).exists()


def test_a_transient_error_asks_celery_for_a_retry(people, mailoutbox, failing_mail_to):
    """Run as a task, a mail-server error becomes a retry (in a worker: later, with back-off;
    eagerly, as here, Celery hands the Retry to the caller)."""
    director = people["director"]
    row = notification(director)
    attempts = failing_mail_to(director.email)

    with pytest.raises(Retry) as retry:
        send_notification_emails.delay([row.pk])

    assert isinstance(retry.value.exc, smtplib.SMTPServerDisconnected)
    assert len(attempts) == 1
    row.refresh_from_db()
    assert row.emailed_at is None
    assert mailoutbox == []


def test_other_errors_are_not_swallowed_nor_retried(people, failing_mail_to):
    director = people["director"]
    row = notification(director)
    attempts = failing_mail_to(director.email, error=ValueError("bad header"))
    with pytest.raises(ValueError):
        send_notification_emails.delay([row.pk])
    assert len(attempts) == 1
    row.refresh_from_db()
    assert row.emailed_at is None


# --- remind_waiting_approvals -----------------------------------------------------------------


def wait(request, days):
    """Pretend the request's current step has been waiting for ``days`` days."""
    ApprovalStep.objects.filter(request=request, sequence=request.current_step).update(
        activated_at=timezone.now() - timedelta(days=days)
    )


def reminded():
    return sorted(
        Notification.objects.filter(kind="approval.reminder").values_list(
            "recipient__username", flat=True
        )
    )


def test_each_eligible_approver_is_reminded_once(
    people, application_for, deputy, mailoutbox, django_capture_on_commit_callbacks, org
):
    am1 = people["am1"]
    request = approval_submit(actor=am1, document=application_for(am1))
    wait(request, days=3)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert remind_waiting_approvals.delay().get() == 2

    assert reminded() == ["deputy", "manager"]
    reminder = Notification.objects.filter(kind="approval.reminder").first()
    assert reminder.url == f"/approvals/{request.pk}/"
    assert reminder.target_id == request.pk
    assert sorted(m.to[0] for m in mailoutbox) == [deputy.email, people["manager"].email]

    with django_capture_on_commit_callbacks(execute=True):
        assert remind_waiting_approvals.delay().get() == 0  # the next day's run
    assert reminded() == ["deputy", "manager"]
    assert len(mailoutbox) == 2

    # somebody who became an approver meanwhile is reminded, the others are not again
    UserFactory.with_position("dept_manager", username="newcomer", department=org["ka"])
    assert remind_waiting_approvals() == 1
    assert reminded() == ["deputy", "manager", "newcomer"]


def test_only_steps_waiting_more_than_two_days_are_reminded(people, application_for):
    am1, am2, manager = people["am1"], people["am2"], people["manager"]
    recent = approval_submit(actor=am1, document=application_for(am1))
    wait(recent, days=1)
    decided = approval_submit(actor=am1, document=application_for(am1))
    wait(decided, days=3)
    approval_decide(actor=manager, request_id=decided.pk, decision=Decision.APPROVE)
    withdrawn = approval_submit(actor=am2, document=application_for(am2))
    wait(withdrawn, days=3)
    approval_withdraw(actor=am2, request_id=withdrawn.pk)

    assert remind_waiting_approvals() == 0
    assert reminded() == []


def test_the_approver_of_the_current_step_is_reminded(people, application_for):
    am1 = people["am1"]
    request = approval_submit(actor=am1, document=application_for(am1, amount=MANAGER_LIMIT + 1))
    approval_decide(actor=people["manager"], request_id=request.pk, decision=Decision.APPROVE)
    request.refresh_from_db()
    wait(request, days=3)

    assert remind_waiting_approvals() == 1
    assert reminded() == ["director"]


# --- purge_old_notifications ------------------------------------------------------------------


def test_purge_deletes_only_old_read_notifications(people):
    am1 = people["am1"]
    now = timezone.now()
    rows = {
        name: notification(am1, name)
        for name in ("old read", "old unread", "recent read", "recent unread")
    }
    Notification.objects.filter(title__startswith="old").update(
        created_at=now - timedelta(days=200)
    )
    Notification.objects.filter(title__endswith=" read").update(read_at=now)

    assert purge_old_notifications.delay().get() == 1
    assert sorted(Notification.objects.values_list("title", flat=True)) == [
        "old unread",
        "recent read",
        "recent unread",
    ]
    # a shorter retention, given explicitly
    Notification.objects.filter(pk=rows["recent read"].pk).update(
        created_at=now - timedelta(days=31)
    )
    assert purge_old_notifications(days=30) == 1
    assert sorted(Notification.objects.values_list("title", flat=True)) == [
        "old unread",
        "recent unread",
    ]


def test_a_step_still_waiting_two_days_later_is_reminded_again(people, application_for):
    am1 = people["am1"]
    request = approval_submit(actor=am1, document=application_for(am1))
    wait(request, days=3)
    assert remind_waiting_approvals() == 1
    assert remind_waiting_approvals() == 0  # same period: nothing new
    wait(request, days=5)  # two days later, still undecided
    assert remind_waiting_approvals() == 1
    assert reminded() == ["manager", "manager"]
