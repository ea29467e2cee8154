#!/bin/sh
# Entry point of the application image. The web service sets DJANGO_MIGRATE_ON_START=1: it applies
# migrations before serving (worker and beat start once web is healthy). Static files are collected
# when the image is built; they are collected again here only if missing (a volume over staticfiles/).
set -eu
if [ "${DJANGO_MIGRATE_ON_START:-0}" = "1" ]; then
  python manage.py migrate --noinput
  [ -f staticfiles/staticfiles.json ] || python manage.py collectstatic --noinput
fi
exec "$@"
