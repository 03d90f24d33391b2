# kamcrm: one image for web (gunicorn), Celery worker and Celery beat (see docker-compose.yml).
# python:3.11-slim on Debian bookworm, pinned so the system package names below stay valid.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

# WeasyPrint (PDF) loads Pango and HarfBuzz at run time; fonts-noto-cjk gives the PDFs their
# Chinese glyphs; gettext compiles the translations below.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fontconfig \
        fonts-noto-cjk \
        gettext \
    && rm -rf /var/lib/apt/lists/*

# The pinned dependencies first, so that a code change does not reinstall them.
COPY requirements/lock.txt /tmp/lock.txt
RUN pip install --no-cache-dir -r /tmp/lock.txt && rm /tmp/lock.txt

# The code belongs to root and is read-only for the app; only var/ (media, Celery beat's
# schedule) is writable by the unprivileged user the containers run as.
RUN groupadd --system --gid 10001 kamcrm \
    && useradd --system --uid 10001 --gid kamcrm --create-home --home-dir /home/kamcrm \
        --shell /usr/sbin/nologin kamcrm

WORKDIR /app
COPY . /app

# Translations and static files are built into the image. The settings refuse to load
# without these variables; the values are placeholders for the build, never used at run time.
RUN export SECRET_KEY=build-only-placeholder \
        ALLOWED_HOSTS=localhost \
        DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    && python manage.py compilemessages -v 0 \
    && python manage.py collectstatic --no-input -v 0 \
    && python -c "import weasyprint" \
    && fc-list :lang=zh family | grep -q . \
    && mkdir -p /app/var/media \
    && chown -R kamcrm:kamcrm /app/var \
    && rm -f /tmp/build.sqlite3

USER kamcrm
EXPOSE 8000

# docker-compose.yml gives each service its command; on its own the image serves the web app.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
