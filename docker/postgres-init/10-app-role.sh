#!/bin/bash
# Runs once, when the db volume is first initialised (the postgres image's docker-entrypoint-initdb.d).
# The application's two roles and its database (roles.psql, next to this file; the image's entrypoint runs
# only *.sh and *.sql files itself): the owner (MIGRATE_DATABASE_URL: the `migrate` service) owns the
# database and everything migrations create; the runtime role (DATABASE_URL: web, worker, beat) owns
# nothing and gets only the privileges `manage.py migrate` grants it. Neither is a superuser: superusers
# bypass row-level security, which the application enforces with FORCE ROW LEVEL SECURITY.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner="${APP_DB_OWNER:-advocacy_owner}" -v runtime="${APP_DB_USER:-advocacy}" -v db="${APP_DB_NAME:-advocacy}" \
  -v owner_password="$OWNER_DB_PASSWORD" -v runtime_password="$APP_DB_PASSWORD" \
  -f "$(dirname "${BASH_SOURCE[0]}")/roles.psql"
