"""Celery as in production: a task goes through the configured broker to a real worker.

Every other test runs tasks eagerly; here a Celery app configured from the same settings as
``config.celery.app`` (CELERY_* — the broker URL and its options) but not eager is made the
current app, so the message is really published (on commit) to the broker — the filesystem
transport by default (in a temporary folder, away from a developer's running worker), Redis
when CELERY_BROKER_URL says so — and consumed by an embedded worker. A broker that cannot be
reached fails the test; it is never skipped.

A separate app instance, rather than reconfiguring ``config.celery.app``: broker connections
and producers are pooled per app, so the project app would keep publishing to the folder it
was first connected to."""

import time

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from accounts.models import Notification
from accounts.services.notifications import notify
from config.celery import app as project_app

pytestmark = [
    pytest.mark.broker,
    # the worker reads the database from its own thread: the data must be committed
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WAIT_SECONDS = 30


@pytest.fixture
def broker_app(tmp_path):
    app = Celery("kamcrm-broker-test")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    changes = {
        "task_always_eager": False,
        "worker_hijack_root_logger": False,  # leave pytest's log capture alone
    }
    if app.conf.broker_url.startswith("filesystem://"):
        folders = {name: tmp_path / name for name in ("queue", "processed", "control")}
        for folder in folders.values():
            folder.mkdir()
        changes["broker_transport_options"] = {
            "data_folder_in": str(folders["queue"]),
            "data_folder_out": str(folders["queue"]),
            "processed_folder": str(folders["processed"]),
            "control_folder": str(folders["control"]),
            "store_processed": False,
        }
    app.conf.update(changes)
    assert app.conf.broker_url == project_app.conf.broker_url
    app.set_current()  # shared tasks (accounts.tasks) now resolve to this app
    app.set_default()  # ... in the worker's thread too
    try:
        yield app
    finally:
        app.close()
        project_app.set_current()
        project_app.set_default()


def check_broker_reachable(app):
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=3, interval_start=0.5, interval_step=0.5)


def test_notification_email_is_sent_by_a_worker_through_the_broker(people, broker_app, mailoutbox):
    check_broker_reachable(broker_app)  # raises (fails the test) when the broker is down
    broker_app.control.purge()  # nothing left over from an earlier run
    manager = people["manager"]

    with transaction.atomic():
        notify(recipients=[manager], kind="test.broker", title="经由消息队列", body="你好")
    # committed: the e-mail task is now waiting in the broker, not run here
    row = Notification.objects.get(recipient=manager)
    assert row.emailed_at is None
    assert mailoutbox == []

    with start_worker(broker_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        deadline = time.monotonic() + WAIT_SECONDS
        while row.emailed_at is None and time.monotonic() < deadline:
            time.sleep(0.2)
            row.refresh_from_db()

    assert row.emailed_at is not None, f"no worker ran the task within {WAIT_SECONDS}s"
    assert [(m.subject, m.to) for m in mailoutbox] == [("经由消息队列", [manager.email])]
