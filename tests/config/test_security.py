"""Security baseline (OWASP ASVS L2 as the yardstick): API tokens, login throttling and
lockout, sessions, password rules, production headers and cookies, CSRF, audit, throttling.
"""

import logging
import os
import re
import runpy
import secrets
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory
TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/users/me/"


# --- helpers ---------------------------------------------------------------------------------


def token_login(username, password=PASSWORD, ip="10.0.0.1", **extra):
    return APIClient().post(
        TOKEN_URL,
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=ip,
        **extra,
    )


def token_client(token, ip="10.0.0.1"):
    client = APIClient(REMOTE_ADDR=ip)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def issue_token(user, **extra) -> str:
    response = token_login(user.username, **extra)
    assert response.status_code == 200, response.json()
    return response.json()["token"]


def browser_login(client, username, password=PASSWORD, ip="10.0.0.1", **extra):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == status
    assert body["error"]["code"] == code
    assert body["error"]["message"]


def session_user_id(client):
    return client.session.get("_auth_user_id")


# --- API tokens ------------------------------------------------------------------------------


def test_token_login_issues_expiring_token_that_authenticates(am1):
    before = timezone.now()
    response = token_login("am1")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expiry"}
    ttl = django_settings.REST_KNOX["TOKEN_TTL"]
    expiry = datetime.fromisoformat(body["expiry"])
    assert before + ttl - timedelta(seconds=5) <= expiry <= timezone.now() + ttl
    # the token is stored hashed: the clear value is not in the database
    stored = AuthToken.objects.get(user=am1)
    assert body["token"] not in (stored.digest, stored.token_key)

    me = token_client(body["token"]).get(ME_URL)
    assert me.status_code == 200
    assert me.json()["username"] == "am1"
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.TOKEN)
    assert (event.actor, event.username, event.ip_address) == (am1, "am1", "10.0.0.1")


def test_expired_token_is_refused_and_removed(am1):
    token = issue_token(am1)
    AuthToken.objects.filter(user=am1).update(expiry=timezone.now() - timedelta(seconds=1))
    assert_error(token_client(token).get(ME_URL), 401, "authentication_failed")
    assert not AuthToken.objects.filter(user=am1).exists()


def test_logout_revokes_only_the_token_used(am1):
    first, second = issue_token(am1), issue_token(am1)
    assert token_client(first).post("/api/v1/auth/logout/").status_code == 204
    assert_error(token_client(first).get(ME_URL), 401, "authentication_failed")
    assert token_client(second).get(ME_URL).status_code == 200
    assert AuthToken.objects.filter(user=am1).count() == 1


def test_logout_all_revokes_every_token_of_the_caller(am1, am2):
    mine = [issue_token(am1) for _ in range(3)]
    theirs = issue_token(am2)
    assert token_client(mine[0]).post("/api/v1/auth/logout-all/").status_code == 204
    for token in mine:
        assert_error(token_client(token).get(ME_URL), 401, "authentication_failed")
    assert not AuthToken.objects.filter(user=am1).exists()
    assert token_client(theirs).get(ME_URL).status_code == 200


def test_logout_needs_a_token():
    assert_error(APIClient().post("/api/v1/auth/logout/"), 401, "not_authenticated")


def test_password_change_kills_older_tokens(am1):
    old = issue_token(am1)
    am1.set_password("a-new-long-passphrase-7")
    am1.save()
    assert am1.password_changed_at is not None
    assert_error(token_client(old).get(ME_URL), 401, "authentication_failed")
    assert not AuthToken.objects.filter(user=am1).exists()
    # the old password no longer gives a token; the new one does, and it works
    assert_error(token_login("am1"), 400, "invalid")
    new = token_login("am1", "a-new-long-passphrase-7").json()["token"]
    assert token_client(new).get(ME_URL).status_code == 200


def test_browser_password_change_kills_older_tokens(client, am1):
    old = issue_token(am1)
    client.force_login(am1)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Lantern-harbour-2031",
            "new_password2": "Lantern-harbour-2031",
        },
    )
    assert response.status_code == 302
    # the browser session survives its own password change; the API token does not
    assert session_user_id(client) == str(am1.pk)
    assert_error(token_client(old).get(ME_URL), 401, "authentication_failed")


def test_deactivation_kills_tokens_and_blocks_login(am1):
    token = issue_token(am1)
    am1.is_active = False
    am1.save(update_fields=["is_active"])
    assert_error(token_client(token, ip="192.0.2.40").get(ME_URL), 401, "authentication_failed")
    assert_error(token_login("am1"), 400, "invalid")
    assert browser_login(Client(), "am1").status_code == 200  # the form again, no session
    refused = AuditEvent.objects.get(kind=AuditEvent.Kind.REFUSED)
    assert (refused.actor, refused.ip_address, refused.detail["reason"]) == (
        am1,
        "192.0.2.40",
        "user_inactive",
    )
    # the token was deleted: reactivating the user does not bring it back
    am1.is_active = True
    am1.save(update_fields=["is_active"])
    assert_error(token_client(token).get(ME_URL), 401, "authentication_failed")
    assert not AuthToken.objects.filter(user=am1).exists()


def test_deactivated_user_loses_the_browser_session(client, am1):
    client.force_login(am1)
    am1.is_active = False
    am1.save(update_fields=["is_active"])
    assert client.get("/customers/").status_code == 302
    assert_error(client.get(ME_URL), 401, "not_authenticated")


# --- bad credentials, lockout per (user name, address) ---------------------------------------


def test_bad_credentials_answer_400_in_the_error_shape(am1):
    response = token_login("am1", "wrong-password")
    assert_error(response, 400, "invalid")
    assert "non_field_errors" in response.json()["error"]["fields"]
    assert_error(token_login("nobody", "wrong-password"), 400, "invalid")
    assert_error(APIClient().post(TOKEN_URL, {"username": "am1"}, format="json"), 400, "invalid")


def test_token_login_locks_the_username_and_address_pair_only(am1, am2):
    limit = django_settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert_error(token_login("am1", "wrong-password", ip="10.0.0.66"), 400, "invalid")
    # the attempt that reaches the limit is refused as locked out, and so is any later one,
    # even with the right password
    assert_error(token_login("am1", "wrong-password", ip="10.0.0.66"), 429, "locked_out")
    assert_error(token_login("am1", ip="10.0.0.66"), 429, "locked_out")
    assert not AuthToken.objects.filter(user=am1).exists()

    # the attacker cannot lock the real user out: same name, another address
    assert token_login("am1", ip="10.0.0.7").status_code == 200
    # ... nor another user from the attacker's address
    assert token_login("am2", ip="10.0.0.66").status_code == 200
    # the success elsewhere did not lift the lock on the attacker's address
    assert_error(token_login("am1", ip="10.0.0.66"), 429, "locked_out")


def test_browser_login_locks_the_username_and_address_pair_only(am1):
    limit = django_settings.AXES_FAILURE_LIMIT
    attacker = Client()
    for _ in range(limit - 1):
        response = browser_login(attacker, "am1", "wrong-password", ip="10.0.0.66")
        assert response.status_code == 200  # the form with an error
        assert response.context["form"].errors
    response = browser_login(attacker, "am1", "wrong-password", ip="10.0.0.66")
    assert response.status_code == 429
    response = browser_login(attacker, "am1", ip="10.0.0.66")
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert session_user_id(attacker) is None

    owner = Client()
    response = browser_login(owner, "am1", ip="10.0.0.7")
    assert response.status_code == 302
    assert session_user_id(owner) == str(am1.pk)


# --- sessions --------------------------------------------------------------------------------


def test_login_rotates_the_session_key(client, am1):
    session = client.session
    session["before_login"] = "x"
    session.save()
    anonymous_key = session.session_key
    assert client.cookies[django_settings.SESSION_COOKIE_NAME].value == anonymous_key

    assert browser_login(client, "am1").status_code == 302
    new_key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert new_key != anonymous_key
    assert not client.session.exists(anonymous_key)  # the old key cannot be replayed
    assert client.session["kam_auth_at"] == client.session["kam_seen_at"]


def _age_session(client, *, auth_ago, seen_ago):
    now = int(time.time())
    session = client.session
    session["kam_auth_at"] = now - auth_ago
    session["kam_seen_at"] = now - seen_ago
    session.save()


def test_idle_session_ends(client, am1, settings):
    client.force_login(am1)
    _age_session(client, auth_ago=settings.SESSION_IDLE_TIMEOUT + 120, seen_ago=90)
    response = client.get("/customers/")
    assert response.status_code == 200
    # activity moved the last-seen mark (written at most once a minute)
    assert int(time.time()) - client.session["kam_seen_at"] < 5

    _age_session(
        client,
        auth_ago=settings.SESSION_IDLE_TIMEOUT + 120,
        seen_ago=settings.SESSION_IDLE_TIMEOUT + 1,
    )
    response = client.get("/customers/?q=x")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/customers/")
    assert session_user_id(client) is None
    login_page = client.get(response["Location"])
    shown = list(login_page.context["messages"])
    assert [m.level for m in shown] == [messages.INFO]  # "Your session has expired..."
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGOUT, actor=am1).exists()
    assert client.get("/customers/").status_code == 302


def test_expired_session_sends_htmx_to_the_login_page(client, am1, settings):
    client.force_login(am1)
    _age_session(client, auth_ago=60, seen_ago=settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.get("/customers/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/"
    assert session_user_id(client) is None


def test_absolute_session_timeout_ends_even_an_active_session(client, am1, settings):
    client.force_login(am1)
    _age_session(client, auth_ago=settings.SESSION_ABSOLUTE_TIMEOUT - 60, seen_ago=0)
    assert client.get("/customers/").status_code == 200
    _age_session(client, auth_ago=settings.SESSION_ABSOLUTE_TIMEOUT + 1, seen_ago=0)
    response = client.get("/customers/")
    assert response.status_code == 302
    assert session_user_id(client) is None


def test_expired_session_is_refused_by_the_api(client, am1, settings):
    client.force_login(am1)
    assert client.get(ME_URL).status_code == 200
    _age_session(client, auth_ago=60, seen_ago=settings.SESSION_IDLE_TIMEOUT + 1)
    assert_error(client.get(ME_URL), 401, "not_authenticated")
    assert session_user_id(client) is None


def test_session_timeouts_are_configured():
    assert 0 < django_settings.SESSION_IDLE_TIMEOUT <= 30 * 60
    assert django_settings.SESSION_IDLE_TIMEOUT < django_settings.SESSION_ABSOLUTE_TIMEOUT
    assert django_settings.SESSION_ABSOLUTE_TIMEOUT <= 12 * 60 * 60
    assert django_settings.SESSION_COOKIE_AGE <= django_settings.SESSION_ABSOLUTE_TIMEOUT
    assert "accounts.middleware.SessionTimeoutMiddleware" in django_settings.MIDDLEWARE


def test_logout_needs_post_and_ends_the_session(client, am1):
    client.force_login(am1)
    key = client.session.session_key
    assert client.get("/accounts/logout/").status_code == 405
    assert session_user_id(client) == str(am1.pk)  # GET changed nothing

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert session_user_id(client) is None
    assert not client.session.exists(key)
    assert client.get("/customers/").status_code == 302
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGOUT, actor=am1).count() == 1


# --- password rules --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new_password", "validator_code"),
    [
        ("password123", "password_too_common"),
        ("Xk7#qp2!z", "password_too_short"),  # 9 characters, not common
        ("7392018465", "password_entirely_numeric"),
    ],
)
def test_weak_passwords_are_refused_on_the_password_page(client, am1, new_password, validator_code):
    client.force_login(am1)
    old_hash = am1.password
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    codes = [e.code for e in response.context["form"].errors.as_data()["new_password2"]]
    assert validator_code in codes
    am1.refresh_from_db()
    assert am1.password == old_hash
    assert am1.check_password(PASSWORD)


def test_password_rules_are_configured():
    validators = {v["NAME"].rsplit(".", 1)[1]: v for v in django_settings.AUTH_PASSWORD_VALIDATORS}
    assert validators["MinimumLengthValidator"]["OPTIONS"]["min_length"] >= 10
    assert "CommonPasswordValidator" in validators


# --- production headers and cookies ----------------------------------------------------------

PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 10 + secrets.token_urlsafe(40),
    "ALLOWED_HOSTS": "kamcrm.example.com",
    "DATABASE_URL": "sqlite:////tmp/kamcrm-production-check.sqlite3",
}
SECURITY_SETTING = re.compile(
    r"^(SECURE_|SESSION_COOKIE_|CSRF_COOKIE_|X_FRAME_OPTIONS$|CONTENT_SECURITY_POLICY)"
)


def production_settings(monkeypatch) -> dict:
    """The module-level names of config/settings/production.py, evaluated with the given
    environment (a fresh run: the imported settings are not touched)."""
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"):
        monkeypatch.delenv(name, raising=False)  # the defaults are under test
    values = runpy.run_module("config.settings.production")
    return {k: v for k, v in values.items() if k.isupper()}


@pytest.fixture
def production(settings, monkeypatch):
    """Apply production.py's security settings (cookies, HSTS, SSL redirect, CSP, framing)
    exactly as it computes them; hosts, storage and database stay the test ones."""
    prod = production_settings(monkeypatch)
    applied = {k: v for k, v in prod.items() if SECURITY_SETTING.match(k)}
    assert {"SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS"} <= set(applied)
    for name, value in applied.items():
        setattr(settings, name, value)
    settings.DEBUG = prod["DEBUG"]
    return prod


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_required_settings(monkeypatch, missing):
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(missing)
    with pytest.raises(ImproperlyConfigured, match=missing):
        runpy.run_module("config.settings.production")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SECRET_KEY", "change-me-to-a-long-random-string"),
        ("DATABASE_URL", "postgres://kamcrm:change-me@db:5432/kamcrm"),
    ],
)
def test_production_refuses_the_env_example_placeholders(monkeypatch, name, value):
    for key, default in PRODUCTION_ENV.items():
        monkeypatch.setenv(key, default)
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        runpy.run_module("config.settings.production")


def test_production_values(monkeypatch):
    prod = production_settings(monkeypatch)
    assert prod["DEBUG"] is False
    assert prod["SECRET_KEY"] == PRODUCTION_ENV["SECRET_KEY"]
    assert prod["ALLOWED_HOSTS"] == ["kamcrm.example.com"]
    assert prod["SECURE_SSL_REDIRECT"] is True
    assert prod["SECURE_HSTS_SECONDS"] >= 31536000
    assert prod["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    for cookie in ("SESSION_COOKIE", "CSRF_COOKIE"):
        assert prod[f"{cookie}_SECURE"] is True
        assert prod[f"{cookie}_HTTPONLY"] is True
        assert prod[f"{cookie}_SAMESITE"] in ("Lax", "Strict")
    assert prod["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert prod["X_FRAME_OPTIONS"] == "DENY"
    # static files are served hashed and compressed
    assert "Manifest" in prod["STORAGES"]["staticfiles"]["BACKEND"]


def assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    directives = {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in csp.split(";")) if part
    }
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def assert_cookie_flags(cookie, *, name):
    assert cookie.key == name
    assert name.startswith("__Host-")  # Secure, Path=/, no Domain: cannot be set by a subdomain
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["domain"]


def test_production_headers_and_cookies(client, am1, customer_factory, production, settings):
    # plain http is redirected to https
    response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"

    login_page = client.get("/accounts/login/", secure=True)
    assert login_page.status_code == 200
    assert_security_headers(login_page)
    assert_cookie_flags(login_page.cookies[settings.CSRF_COOKIE_NAME], name="__Host-csrftoken")

    logged_in = browser_login(client, "am1", secure=True)
    assert logged_in.status_code == 302
    assert_security_headers(logged_in)
    assert_cookie_flags(logged_in.cookies[settings.SESSION_COOKIE_NAME], name="__Host-sessionid")

    customer_factory(owner=am1)
    for url in ("/customers/", ME_URL, "/api/docs/"):
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        assert_security_headers(response)

    response = token_client(issue_token(am1, secure=True)).get(ME_URL, secure=True)
    assert response.status_code == 200
    assert_security_headers(response)


class _ScriptCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.inline_handlers: list[str] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.inline_handlers += [name for name in attrs if name.startswith("on")]
        if tag == "script":
            self._current = {"src": attrs.get("src"), "body": ""}
            self.scripts.append(self._current)

    def handle_data(self, data):
        if self._current is not None:
            self._current["body"] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._current = None


def test_api_docs_use_only_same_origin_scripts(client, am1, production):
    from django.contrib.staticfiles import finders

    static_prefix = "/" + django_settings.STATIC_URL.lstrip("/")
    client.force_login(am1)
    response = client.get("/api/docs/", secure=True)
    assert response.status_code == 200
    parser = _ScriptCollector()
    parser.feed(response.content.decode())
    assert parser.scripts, "the docs page loads Swagger UI"
    assert not parser.inline_handlers
    for script in parser.scripts:
        src = script["src"]
        assert src and not script["body"].strip(), "inline script would be blocked by the CSP"
        assert src.startswith("/") and not src.startswith("//"), src  # same origin
        if src.startswith(static_prefix):
            # served from our own static files (drf-spectacular-sidecar), not a CDN
            assert finders.find(src.removeprefix(static_prefix)), src
        else:
            init = client.get(src, secure=True)  # the split view's initialisation script
            assert init.status_code == 200
            assert init["Content-Type"].startswith("application/javascript")
            assert "SwaggerUIBundle" in init.content.decode()
            assert_security_headers(init)


def test_manage_py_check_deploy_is_clean(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SECURE_", "DATABASE_", "CACHE_", "DEBUG"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50)[:50],
        ALLOWED_HOSTS="kamcrm.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNINGS" not in output and "?:" not in output, output


# --- CSRF ------------------------------------------------------------------------------------


def test_browser_forms_need_the_csrf_token(am1):
    csrf_client = Client(enforce_csrf_checks=True)
    response = browser_login(csrf_client, "am1")
    assert response.status_code == 403
    assert session_user_id(csrf_client) is None

    csrf_client.force_login(am1)
    for url, data in [
        ("/customers/new/", {"name": "北京某某科技有限公司"}),
        ("/accounts/password/", {"old_password": PASSWORD}),
        ("/accounts/logout/", {}),
        ("/accounts/language/", {"language": "en"}),
    ]:
        assert csrf_client.post(url, data).status_code == 403, url
    assert session_user_id(csrf_client) == str(am1.pk)  # the logout did not happen

    # with the token taken from the form, the same post goes through
    page = csrf_client.get("/accounts/password/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert csrf_client.post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert session_user_id(csrf_client) is None


def test_session_authenticated_api_writes_need_the_csrf_token(am1):
    csrf_client = APIClient(enforce_csrf_checks=True)
    csrf_client.force_login(am1)
    response = csrf_client.post("/api/v1/notifications/mark-read/", {}, format="json")
    assert_error(response, 403, "permission_denied")
    # a token-authenticated client needs none (no ambient credential to ride on)
    response = token_client(issue_token(am1)).post(
        "/api/v1/notifications/mark-read/", {}, format="json"
    )
    assert response.status_code == 200


# --- audit: logins and refused accesses, with user, UTC time and address ---------------------


def test_logins_and_failures_are_audited_with_user_time_and_address(am1):
    before = timezone.now()
    browser_login(Client(), "am1", "wrong-password", ip="192.0.2.10")
    browser_login(Client(), "am1", ip="192.0.2.11")
    token_login("am1", "wrong-password", ip="2001:db8::5")
    token_login("ghost", "whatever", ip="192.0.2.12")

    events = list(AuditEvent.objects.order_by("pk"))
    rows = [(e.kind, e.username, e.actor, e.ip_address) for e in events]
    assert rows == [
        ("login_failed", "am1", None, "192.0.2.10"),
        ("login", "am1", am1, "192.0.2.11"),
        ("login_failed", "am1", None, "2001:db8::5"),
        ("login_failed", "ghost", None, "192.0.2.12"),
    ]
    for event in events:
        assert before <= event.at <= timezone.now()
        assert event.at.utcoffset() == timedelta(0)  # stored and returned in UTC
    assert "password" not in str([e.detail for e in events])


def test_refused_accesses_are_audited(client, api, people, customer_factory):
    am1, am2 = people["am1"], people["am2"]
    customer = customer_factory(owner=am1)

    client.force_login(am2)
    assert client.get(f"/customers/{customer.pk}/", REMOTE_ADDR="192.0.2.20").status_code == 404
    token = issue_token(am2)
    response = token_client(token, ip="192.0.2.21").get(f"/api/v1/customers/{customer.pk}/")
    assert_error(response, 404, "not_found")

    refused = list(AuditEvent.objects.filter(kind=AuditEvent.Kind.REFUSED).order_by("pk"))
    assert [(e.actor, e.username, e.ip_address) for e in refused] == [
        (am2, "am2", "192.0.2.20"),
        (am2, "am2", "192.0.2.21"),
    ]
    assert refused[0].path == f"/customers/{customer.pk}/"
    assert refused[0].detail["reason"] == "out_of_scope"
    # a record that does not exist at all is a plain 404, not a refused access
    assert client.get("/customers/999999/").status_code == 404
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.REFUSED).count() == 2


def test_security_log_lines_carry_a_utc_timestamp(am1):
    logger = logging.getLogger("kamcrm.security")
    configured = [h for h in logger.handlers if h.formatter is not None]
    assert configured, "kamcrm.security has its own handler"
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    collector = Collect()
    collector.setFormatter(configured[0].formatter)
    logger.addHandler(collector)
    try:
        token_login("am1", "wrong-password", ip="192.0.2.30")
    finally:
        logger.removeHandler(collector)

    assert len(lines) == 1
    match = re.match(
        r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})Z INFO kamcrm\.security login_failed "
        r"user=am1 ip=192\.0\.2\.30 ",
        lines[0],
    )
    assert match, lines[0]
    logged = datetime.fromisoformat(match.group(1)).replace(tzinfo=UTC)
    # UTC, not the server's Asia/Shanghai local time (8 hours apart)
    assert abs(datetime.now(UTC) - logged) < timedelta(minutes=1)


# --- throttling ------------------------------------------------------------------------------


def test_throttle_rates_are_configured():
    rates = django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert {"anon", "user", "token_login"} <= set(rates)
    assert django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]


def test_token_endpoint_is_throttled_per_address(am1, monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {**SimpleRateThrottle.THROTTLE_RATES, "token_login": "3/min"},
    )
    for _ in range(3):
        assert_error(token_login("nobody", "wrong-password", ip="198.51.100.1"), 400, "invalid")
    response = token_login("am1", ip="198.51.100.1")
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert not AuthToken.objects.exists()
    # another address is not affected
    assert token_login("am1", ip="198.51.100.2").status_code == 200


def test_client_address_behind_a_trusted_proxy_comes_from_x_forwarded_for(settings, rf):
    from accounts.services.audit import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"  # no proxy trusted: the header is ignored
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # the address our proxy saw, not the spoofed one
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.2"  # fewer hops than proxies: do not trust the header
