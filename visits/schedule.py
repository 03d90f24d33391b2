"""Periodic jobs of this app (merged into Celery beat by config/celery.py)."""

SCHEDULE: dict = {}
