"""Periodic jobs of this feature (merged into Celery beat by config/celery.py)."""

SCHEDULE: dict = {}
