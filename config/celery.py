import os
from importlib import import_module

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("kamcrm")
app.config_from_object("django.conf:settings", namespace="CELERY")

#: packages with a ``tasks`` module and a ``schedule`` module (SCHEDULE: beat entries)
TASK_PACKAGES = [
    "accounts",
    "accounts.handover",
    "customers",
    "customers.contracts",
    "customers.imports",
    "customers.lists",
    "customers.pool",
    "customers.review",
    "customers.confidential",
    "customers.merge",
    "visits",
    "complaints",
]
app.autodiscover_tasks(TASK_PACKAGES)


def beat_schedule() -> dict:
    """Periodic jobs, each declared next to its tasks. Every job is idempotent: it may run
    twice without sending anything twice."""
    schedule: dict = {}
    for package in TASK_PACKAGES:
        entries = import_module(f"{package}.schedule").SCHEDULE
        clash = set(schedule) & set(entries)
        if clash:
            raise RuntimeError(f"beat entries defined twice: {sorted(clash)}")
        schedule.update(entries)
    return schedule


app.conf.beat_schedule = beat_schedule()
