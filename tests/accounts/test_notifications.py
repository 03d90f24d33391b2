"""Notifications (accounts.services.notifications): one row per active recipient, in the
recipient's language, idempotent with a dedup key, e-mailed after commit; the notification
centre page and API."""

import time

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from accounts.models import Notification
from accounts.services.approvals import approval_submit
from accounts.services.notifications import emails_suppressed, notify, unread_count
from tests.accounts.helpers import run_concurrently

pytestmark = pytest.mark.django_db


def speak(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


# --- notify() ---------------------------------------------------------------------------------


def test_one_notification_per_active_recipient(people, customer_factory):
    am1, am2, manager = people["am1"], people["am2"], people["manager"]
    am2.is_active = False
    am2.save()
    customer = customer_factory(owner=am1)

    created = notify(
        recipients=[am1, am2, manager, am1, None],
        kind="customer.assigned",
        title="客户已分配:%(customer)s",
        body="%(actor)s 分配了 %(customer)s",
        params={"customer": customer.name, "actor": manager},
        url=f"/customers/{customer.pk}/",
        target=customer,
    )

    assert sorted(n.recipient.username for n in created) == ["am1", "manager"]
    rows = Notification.objects.order_by("recipient__username")
    assert [n.recipient.username for n in rows] == ["am1", "manager"]
    for row in rows:
        assert row.kind == "customer.assigned"
        assert row.title == f"客户已分配:{customer.name}"
        assert row.body == f"{manager} 分配了 {customer.name}"
        assert row.url == f"/customers/{customer.pk}/"
        assert row.target_type.model == "customer"
        assert row.target_id == customer.pk
        assert row.read_at is None and row.emailed_at is None
        assert row.dedup_key is None


def test_nobody_to_tell_creates_nothing(people):
    people["am2"].is_active = False
    assert notify(recipients=[people["am2"], None], kind="test", title="x") == []
    assert notify(recipients=[], kind="test", title="x") == []
    assert not Notification.objects.exists()


def test_texts_are_rendered_in_each_recipients_language(people):
    english, chinese = speak(people["am1"], "en"), speak(people["am2"], "zh-hans")
    # a string Django's own catalogue translates: independent of the project's catalogue
    text = gettext_lazy("Ensure this value is less than or equal to %(limit_value)s.")

    with translation.override("en"):  # the caller's language does not matter
        notify(
            recipients=[english, chinese],
            kind="test.language",
            title=text,
            body=text,
            params={"limit_value": 5},
        )

    with translation.override("zh-hans"):
        in_chinese = str(text) % {"limit_value": 5}
    assert in_chinese != "Ensure this value is less than or equal to 5."  # really translated
    for user, expected in [
        (english, "Ensure this value is less than or equal to 5."),
        (chinese, in_chinese),
    ]:
        row = Notification.objects.get(recipient=user)
        assert (row.title, row.body) == (expected, expected), user.language


def test_approval_notification_in_english_and_in_chinese(people, application_for, deputy):
    am1 = people["am1"]
    english = speak(people["manager"], "en")
    chinese = speak(deputy, "zh-hans")
    request = approval_submit(actor=am1, document=application_for(am1))

    title = Notification.objects.get(recipient=english).title
    assert title == f"Approval needed: {request.title}"
    with translation.override("zh-hans"):
        expected = str(gettext_lazy("Approval needed: %(title)s")) % {"title": request.title}
    # the project's zh-hans catalogue decides the wording; this only checks that the
    # recipient's language was used, whatever the catalogue says
    assert Notification.objects.get(recipient=chinese).title == expected


# --- dedup ------------------------------------------------------------------------------------


def test_dedup_key_makes_a_reminder_idempotent(people):
    am1, manager = people["am1"], people["manager"]
    first = notify(recipients=[am1, manager], kind="test.reminder", title="t", dedup_key="r:1")
    again = notify(recipients=[am1, manager], kind="test.reminder", title="t", dedup_key="r:1")
    other = notify(recipients=[am1], kind="test.reminder", title="t", dedup_key="r:2")

    assert (len(first), len(again), len(other)) == (2, 0, 1)
    assert Notification.objects.count() == 3
    # a recipient who has not had it yet still gets it
    late = notify(recipients=[people["am2"], am1], kind="test.reminder", title="t", dedup_key="r:1")
    assert [n.recipient for n in late] == [people["am2"]]


def test_dedup_is_a_database_constraint(people):
    am1, manager = people["am1"], people["manager"]
    Notification.objects.create(recipient=am1, kind="test", title="t", dedup_key="k")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=am1, kind="test", title="t", dedup_key="k")
    # the same key for somebody else, and any number of notifications without a key, are fine
    Notification.objects.create(recipient=manager, kind="test", title="t", dedup_key="k")
    Notification.objects.create(recipient=am1, kind="test", title="t")
    Notification.objects.create(recipient=am1, kind="test", title="t")
    assert Notification.objects.count() == 4


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_duplicate_reminders_create_one_row(people):
    manager = people["manager"]

    def remind():
        with transaction.atomic():
            created = notify(
                recipients=[manager], kind="test.reminder", title="t", dedup_key="race:1"
            )
            time.sleep(0.2)  # keep the row uncommitted while the others try
            return len(created)

    outcomes = run_concurrently(remind, remind, remind, remind)

    assert [kind for kind, _ in outcomes] == ["ok"] * 4, outcomes
    assert sum(value for _kind, value in outcomes) == 1
    assert Notification.objects.filter(recipient=manager, dedup_key="race:1").count() == 1


# --- e-mail -----------------------------------------------------------------------------------


def test_emails_are_sent_after_commit_to_recipients_with_an_address(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    am1, manager = people["am1"], people["manager"]
    am1.email = ""
    am1.save()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(
            recipients=[am1, manager],
            kind="test.mail",
            title="请审批",
            body="北京恒通的认定申请等待您审批。",
            url="/approvals/7/",
        )
        assert mailoutbox == []  # nothing leaves before the transaction commits

    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [manager.email]
    assert mail.subject == "请审批"
    assert "北京恒通的认定申请等待您审批。" in mail.body
    assert f"{settings.SITE_URL.rstrip('/')}/approvals/7/" in mail.body
    assert Notification.objects.get(recipient=manager).emailed_at is not None
    assert Notification.objects.get(recipient=am1).emailed_at is None


def test_emails_suppressed_keeps_notifications_in_app_only(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    manager = people["manager"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with emails_suppressed():
            notify(recipients=[manager], kind="test.bulk", title="导入")
        notify(recipients=[manager], kind="test.quiet", title="静默", email=False)

    assert callbacks == []
    assert mailoutbox == []
    assert Notification.objects.filter(recipient=manager, emailed_at=None).count() == 2

    # the suppression ends with the block
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[manager], kind="test.after", title="之后")
    assert [m.subject for m in mailoutbox] == ["之后"]


# --- notification centre: page ----------------------------------------------------------------


@pytest.fixture
def inbox(people):
    """am1: three unread and one read notification; am2: one of its own."""
    am1, am2 = people["am1"], people["am2"]
    mine = [
        Notification.objects.create(recipient=am1, kind="test", title=f"给am1的通知{i}")
        for i in range(4)
    ]
    Notification.objects.filter(pk=mine[3].pk).update(read_at=timezone.now())
    theirs = Notification.objects.create(recipient=am2, kind="test", title="给am2的通知")
    return {"mine": mine, "theirs": theirs}


def unread_badge(html, count):
    return f'<span class="badge bg-danger">{count}</span>' in html


def test_page_lists_only_my_notifications_with_the_unread_count(people, inbox, browser):
    client = browser(people["am1"])
    html = client.get("/accounts/notifications/").content.decode()
    for i in range(4):
        assert f"给am1的通知{i}" in html
    assert "给am2的通知" not in html
    assert unread_badge(html, 3)

    unread = client.get("/accounts/notifications/?unread=1").content.decode()
    assert "给am1的通知0" in unread and "给am1的通知3" not in unread

    # the header shows the count on every page
    assert unread_badge(client.get("/approvals/").content.decode(), 3)


def test_page_marks_one_or_all_read(people, inbox, browser):
    am1 = people["am1"]
    client = browser(am1)
    first, theirs = inbox["mine"][0], inbox["theirs"]

    response = client.post(
        "/accounts/notifications/read/",
        {"id": [first.pk, theirs.pk], "next": "/accounts/notifications/?unread=1"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/notifications/?unread=1"
    first.refresh_from_db()
    theirs.refresh_from_db()
    assert first.read_at is not None
    assert theirs.read_at is None  # somebody else's notification is not touched
    assert unread_count(am1) == 2
    assert unread_badge(client.get("/accounts/notifications/").content.decode(), 2)

    response = client.post("/accounts/notifications/read/", {"next": "https://evil.example/"})
    assert response["Location"] == "/accounts/notifications/"  # no open redirect
    assert unread_count(am1) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
    html = client.get("/accounts/notifications/").content.decode()
    assert 'class="badge bg-danger"' not in html


def test_page_needs_a_login(client):
    response = client.get("/accounts/notifications/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- notification centre: API -----------------------------------------------------------------


def test_api_lists_only_my_notifications(people, inbox, api):
    client = api(people["am1"])
    mine = {n.pk for n in inbox["mine"]}

    listed = client.get("/api/v1/notifications/").json()
    assert {n["id"] for n in listed["results"]} == mine
    unread = client.get("/api/v1/notifications/?read_at__isnull=true").json()
    assert {n["id"] for n in unread["results"]} == mine - {inbox["mine"][3].pk}
    assert client.get(f"/api/v1/notifications/{inbox['theirs'].pk}/").status_code == 404
    one = client.get(f"/api/v1/notifications/{inbox['mine'][0].pk}/").json()
    assert one["title"] == "给am1的通知0"
    assert one["read_at"] is None


def test_api_marks_given_ids_then_all_read(people, inbox, api):
    am1 = people["am1"]
    client = api(am1)
    first, theirs = inbox["mine"][0], inbox["theirs"]

    response = client.post(
        "/api/v1/notifications/mark-read/", {"ids": [first.pk, theirs.pk]}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {"marked": 1}
    assert unread_count(am1) == 2

    response = client.post("/api/v1/notifications/mark-read/", {}, format="json")
    assert response.json() == {"marked": 2}
    assert unread_count(am1) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None

    bad = client.post("/api/v1/notifications/mark-read/", {"ids": ["x"]}, format="json")
    assert bad.status_code == 400
    unknown = client.post("/api/v1/notifications/mark-read/", {"all": True}, format="json")
    assert unknown.status_code == 400
