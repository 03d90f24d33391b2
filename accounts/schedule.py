"""Periodic jobs of the accounts app (merged into Celery beat by config/celery.py)."""

from celery.schedules import crontab

SCHEDULE = {
    "notifications-purge-read": {
        "task": "accounts.tasks.purge_old_notifications",
        "schedule": crontab(hour=3, minute=15),
    },
    "approvals-remind-waiting": {
        "task": "accounts.tasks.remind_waiting_approvals",
        "schedule": crontab(hour=8, minute=30),
    },
}
