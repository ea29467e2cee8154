#!/bin/sh
# Entry point of the application image. docker-compose.yml migrates in a service of its own (as the owner
# role of MIGRATE_DATABASE_URL) before web starts; a deployment without one may set DJANGO_MIGRATE_ON_START=1
# on a container that has MIGRATE_DATABASE_URL, to apply the migrations before serving. Static files are
# collected when the image is built; they are collected again here only if missing (a volume over staticfiles/).
set -eu
if [ "${DJANGO_MIGRATE_ON_START:-0}" = "1" ]; then
  python manage.py migrate --noinput
  [ -f staticfiles/staticfiles.json ] || python manage.py collectstatic --noinput
fi
exec "$@"
