"""The production deployment as files: docker-compose.yml, Dockerfile, .env.example.
No Docker engine is needed: the files are parsed and checked against the settings."""

import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_DIR = ROOT / "config" / "settings"
APP_SERVICES = ("web", "worker", "beat")

# env("NAME"), env.bool("NAME", ...), env.db("NAME"), ... as django-environ is used in settings
ENV_READ = re.compile(
    r"\benv(?:\.(?:str|bool|int|float|list|tuple|dict|json|url|path|db|db_url|cache|cache_url"
    r"|email|email_url|search_url))?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']"
)


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def dockerfile():
    text = (ROOT / "Dockerfile").read_text()
    return text.replace("\\\n", " ")  # join continued lines


@pytest.fixture(scope="module")
def env_example():
    lines = (ROOT / ".env.example").read_text().splitlines()
    documented = {}
    for line in lines:
        match = re.match(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$", line.strip())
        if match:
            documented[match.group(1)] = match.group(2)
    return documented


def command_text(service: dict) -> str:
    command = service["command"]
    return command if isinstance(command, str) else shlex.join(command)


def settings_env_names(*files) -> set[str]:
    names = set()
    for name in files:
        names |= set(ENV_READ.findall((SETTINGS_DIR / name).read_text()))
    return names


def test_env_read_pattern_finds_the_usual_forms():
    sample = """
SECRET_KEY = env("SECRET_KEY")
X = env.bool("A_FLAG", default=False)
Y = env.int('AN_INT', default=1)
Z = {"default": env.db("DATABASE_URL", default="sqlite://")}
C = env.cache("CACHE_URL")
E = env.email("EMAIL_URL", default="consolemail://")
L = env.list(
    "HOSTS"
)
environ.Env.read_env(BASE_DIR / ".env")
W = os.environ.get("NOT_A_SETTING")
"""
    assert set(ENV_READ.findall(sample)) == {
        "SECRET_KEY",
        "A_FLAG",
        "AN_INT",
        "DATABASE_URL",
        "CACHE_URL",
        "EMAIL_URL",
        "HOSTS",
    }


def test_five_services(compose):
    assert set(compose["services"]) == {"db", "redis", "web", "worker", "beat"}
    assert compose["services"]["db"]["image"].startswith("postgres:16")
    assert compose["services"]["redis"]["image"].startswith("redis:7")
    for name in ("db", "redis"):
        assert compose["services"][name]["healthcheck"]["test"], name


def test_app_services_build_from_the_one_dockerfile(compose):
    for name in APP_SERVICES:
        service = compose["services"][name]
        build = service["build"]
        if isinstance(build, str):
            build = {"context": build}
        assert build["context"] == ".", name
        assert build.get("dockerfile", "Dockerfile") == "Dockerfile", name
        assert service["env_file"] in (".env", [".env"]), name
        assert service["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        depends = service["depends_on"]
        for backing in ("db", "redis"):
            assert depends[backing]["condition"] == "service_healthy", (name, backing)


def test_commands(compose):
    services = compose["services"]
    web = command_text(services["web"])
    assert re.search(r"(^|[\s;&])(exec )?gunicorn config\.wsgi(:application)?\b", web), web
    assert "--bind 0.0.0.0:8000" in web
    migrate = web.find("manage.py migrate")
    assert 0 <= migrate < web.find("gunicorn config.wsgi"), "web migrates, then serves"
    assert "&&" in web[migrate : web.find("gunicorn")], "gunicorn starts only if migrate worked"

    assert command_text(services["worker"]).startswith("celery -A config worker")
    assert command_text(services["beat"]).startswith("celery -A config beat")


def test_worker_and_beat_wait_for_the_migrations(compose):
    web = compose["services"]["web"]
    assert "/healthz" in str(web["healthcheck"]["test"])
    for name in ("worker", "beat"):
        assert compose["services"][name]["depends_on"]["web"]["condition"] == "service_healthy"


def test_dockerfile(dockerfile):
    lines = [line.strip() for line in dockerfile.splitlines()]
    base_images = [line.split()[1] for line in lines if line.startswith("FROM ")]
    assert re.match(r"python:3\.11-slim\b", base_images[-1])
    installs = " ".join(line for line in lines if "apt-get install" in line)
    for package in (
        "fonts-noto-cjk",
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz0b",
        "gettext",
    ):
        assert re.search(rf"\s{re.escape(package)}(\s|$)", installs), package
    assert re.search(r"pip install [^\n]*-r \S*lock\.txt", dockerfile)
    assert "requirements/lock.txt" in dockerfile
    assert "collectstatic" in dockerfile and "compilemessages" in dockerfile

    users = [line.split(None, 1)[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0"), "the containers run as a non-root user"
    # no real secret baked into the image
    assert not re.search(r"^ENV[^\n]*SECRET_KEY", dockerfile, re.MULTILINE)


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".env", ".git", ".venv", "var"} <= ignored
    assert "requirements" not in ignored and "locale" not in ignored


def test_every_setting_read_from_the_environment_is_documented(env_example):
    read = settings_env_names(*(p.name for p in SETTINGS_DIR.glob("*.py")))
    # the settings the brief names explicitly, as a floor for the regex
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CACHE_URL", "EMAIL_URL"} <= read
    assert {"CELERY_BROKER_URL", "SECURE_HSTS_SECONDS"} <= read
    missing = sorted(read - set(env_example))
    assert not missing, f"add to .env.example: {missing}"


def test_env_example_holds_placeholders_only(env_example):
    for name in ("SECRET_KEY", "POSTGRES_PASSWORD"):
        assert "change-me" in env_example[name], name
    assert "change-me" in env_example["DATABASE_URL"]
    assert env_example["ALLOWED_HOSTS"].endswith("example.com")
    # the compose hosts, so that `cp .env.example .env` gives a working stack
    assert "@db:5432/" in env_example["DATABASE_URL"]
    assert env_example["CELERY_BROKER_URL"].startswith("redis://redis:")
    assert env_example["CACHE_URL"].startswith("redis://redis:")


def test_compose_variables_are_documented(compose, env_example):
    text = (ROOT / "docker-compose.yml").read_text()
    for name in re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text):
        assert name in env_example, name


def test_production_secrets_have_no_default():
    text = (SETTINGS_DIR / "production.py").read_text()
    for name in ("SECRET_KEY", "ALLOWED_HOSTS"):
        calls = re.findall(rf"\benv(?:\.\w+)?\(\s*[\"']{name}[\"']([^)]*)\)", text)
        assert calls, f"production.py reads {name}"
        assert all("default" not in rest for rest in calls), name
