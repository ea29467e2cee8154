"""Bare Django for the benchmark's ceiling: no installed app, no middleware, no database, one view.

bench/run.py serves it with its own gunicorn (bench.bare.wsgi, same workers as the site's) and loads
it next to the site's pages, so that the cost of the site's middleware stack shows beside the
same-middleware baseline (bench/views.py)."""

import os

SECRET_KEY = os.environ.get("SECRET_KEY", "bench-bare-not-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.bare.urls"
DATABASES: dict = {}
USE_TZ = True
