"""Periodic jobs of the customers app (merged into Celery beat by config/celery.py)."""

SCHEDULE: dict = {}
