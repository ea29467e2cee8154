#!/bin/bash
# Runs once, when the db volume is first initialised (the postgres image's docker-entrypoint-initdb.d).
# The application connects as a role that is NOT a superuser: superusers bypass row-level security,
# which the application enforces with FORCE ROW LEVEL SECURITY.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_user="${APP_DB_USER:-advocacy}" -v app_db="${APP_DB_NAME:-advocacy}" \
  -v app_password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE :"app_user" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'app_password';
CREATE DATABASE :"app_db" OWNER :"app_user";
SQL
