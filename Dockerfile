# Production image: gunicorn (web), celery worker and celery beat all run from it (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 10001 --user-group app

# Dependencies first, so that a change of code reuses this layer (the project itself is not a package).
COPY pyproject.toml ./
RUN pip install .

COPY . .
# Settings need these at import time; nothing connects during collectstatic.
RUN SECRET_KEY=collectstatic-only \
    DATABASE_URL=postgres://unused@localhost/unused \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/var/media \
 && chown -R app:app /app/var /app/staticfiles

USER app
EXPOSE 8000
ENTRYPOINT ["/bin/sh", "/app/docker/entrypoint.sh"]
CMD ["gunicorn", "advocacy.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
