"""Production: everything from the environment, secrets without defaults.

Runs behind a TLS-terminating reverse proxy that sets ``X-Forwarded-Proto`` (and strips any
value sent by the client). ``manage.py check --deploy`` is clean with these settings."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOGGING, env

_PLACEHOLDER = "change-me"  # as in .env.example

# Required, no defaults: the process refuses to start without them.
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
env("DATABASE_URL")  # no SQLite fallback: a file inside a container dies with it
for _name in ("SECRET_KEY", "DATABASE_URL"):
    if _PLACEHOLDER in env(_name):
        raise ImproperlyConfigured(f"{_name} still holds the placeholder from .env.example.")
DEBUG = False

# --- HTTPS ----------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# --- Cookies: HTTPS only, out of JavaScript's reach, not sent on cross-site requests --------
# The __Host- prefix makes browsers refuse the cookie unless it is Secure, Path=/ and has no
# Domain, so a sibling subdomain cannot plant or overwrite it.
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_NAME = "__Host-csrftoken"
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Headers (base.py: nosniff, Referrer-Policy, X-Frame-Options DENY, CSP) ------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Static files: hashed names and compressed copies, made by collectstatic at build -------
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGGING = {
    **LOGGING,
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
