"""Test settings: the same code paths, eager Celery with errors propagated, fast hashing."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
AXES_ENABLED = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so that tests with several connections (threads) see one database.
    # per process, so that parallel runs (xdist workers, two checkouts) never share a file
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{worker}-{os.getpid()}.sqlite3")}

MEDIA_ROOT = str(VAR_DIR / "test-media")
