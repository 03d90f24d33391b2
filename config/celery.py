import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("kamcrm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Periodic jobs. Every job is idempotent: it may run twice without sending anything twice.
app.conf.beat_schedule = {
    "notifications-purge-read": {
        "task": "accounts.tasks.purge_old_notifications",
        "schedule": crontab(hour=3, minute=15),
    },
    "approvals-remind-waiting": {
        "task": "accounts.tasks.remind_waiting_approvals",
        "schedule": crontab(hour=8, minute=30),
    },
}
