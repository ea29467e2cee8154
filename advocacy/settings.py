"""One settings module for every environment, configured by environment variables.

Development runs through `make run` (scripts/dev.py), which starts embedded PostgreSQL and Redis
servers and sets DATABASE_URL / REDIS_URL; production sets them itself (docker-compose.yml).
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
TESTING = env_bool("DJANGO_TESTING", default="pytest" in sys.modules)
DEMO_MODE = env_bool("DEMO_MODE")
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-pass-2026")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production-0123456789"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Behind a proxy that appends the client address to X-Forwarded-For (nginx, a load balancer).
USE_X_FORWARDED_FOR = env_bool("USE_X_FORWARDED_FOR")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "csp",
    "advocacy.core",
    "advocacy.accounts",
    "advocacy.tenancy",
    "advocacy.audit",
    "content_library",
    "policies",
    "recognition",
    "monitoring",
    "monitoring.review",
    "monitoring.incidents",
    "analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "content_library.middleware.TrackedLinkMiddleware",  # /l/<code> only: answered here, the rest is skipped
    "advocacy.core.request_context.RequestInfoMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "advocacy.accounts.middleware.BearerTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "advocacy.tenancy.middleware.OrganizationMiddleware",
]

ROOT_URLCONF = os.environ.get("DJANGO_ROOT_URLCONF", "advocacy.urls")  # the benchmark adds its baseline view
WSGI_APPLICATION = "advocacy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "advocacy.tenancy.context_processors.tenancy",
            ],
        },
    }
]

# --- Data stores --------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Start the app with `make run` (embedded PostgreSQL) or set "
        "DATABASE_URL=postgres://user@host:5432/dbname."
    )
if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL.")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}
# No JIT compilation: the app's queries are short, and an over-estimated one (a sum over a rollup's
# partitions) could spend seconds compiling what runs in milliseconds.
DATABASES["default"]["OPTIONS"] = {"options": "-c jit=off"}
# Migrations (and `flush`) run as the owner role of MIGRATE_DATABASE_URL, same database; the role of
# DATABASE_URL owns nothing and gets only the privileges the migrations grant it (advocacy/core/roles.py).
# Unset: DATABASE_URL's role does both.
MIGRATE_DATABASE_URL = os.environ.get("MIGRATE_DATABASE_URL", "")
if MIGRATE_DATABASE_URL and dj_database_url.parse(MIGRATE_DATABASE_URL)["NAME"] != DATABASES["default"]["NAME"]:
    raise ImproperlyConfigured("MIGRATE_DATABASE_URL must name the same database as DATABASE_URL.")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL is not set. Start the app with `make run` or set REDIS_URL.")

# Redis is a cache and a broker, never the system of record: every call to it gives up quickly (a hung
# server must not hold a request), and a cache that does not answer is a miss (IGNORE_EXCEPTIONS; the cache
# contract re-applies the invalidations it could not write, advocacy/core/cache.py).
REDIS_CONNECT_TIMEOUT = float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.3"))
REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT", "0.5"))

# django-redis keeps one redis client per connection pool (Django's own backend builds one per call, twice
# the cost of a get_many on the request path); replies are parsed by hiredis, installed from pyproject.toml.
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "advocacy"),
        "OPTIONS": {
            "CLIENT_CLASS": "advocacy.core.cache_backend.FailSafeClient",  # fails fast; counters fail safe
            "SOCKET_CONNECT_TIMEOUT": REDIS_CONNECT_TIMEOUT,
            "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
            "IGNORE_EXCEPTIONS": True,
        },
    }
}
# Sessions read from Redis, kept in PostgreSQL too (they survive a cache flush).
SESSION_ENGINE = "advocacy.accounts.sessions"

# --- Auth ----------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "advocacy.accounts.backends.CachedModelBackend",
    "advocacy.accounts.backends.CachedAuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "optional" if DEMO_MODE else "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "advocacy.accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Advocacy] "
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60
# Counted in the cache (Redis): per client address and per account ("key" is the email address).
# allauth merges these over its defaults (change_password, manage_email, reauthenticate, ...).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Advocacy"
MFA_TOTP_PERIOD = 30
MFA_TOTP_DIGITS = 6
# Accept the code of the neighbouring 30-second window too (phone clocks drift); a code is still
# usable once only (allauth marks it used in the cache).
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"

# --- Email ---------------------------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    # seconds a worker (or a request sending an invitation) waits on the mail server before the mail outbox
    # tries again later (advocacy/core/mail.py); unset, a hung server would hold it forever
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Advocacy <no-reply@advocacy.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

# --- I18N / static --------------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False  # the interface is English only: no per-call translation lookups
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "advocacy.core.storage.StaticStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- API -----------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "advocacy.accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "advocacy.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "advocacy.api.throttling.UserRateThrottle",
        "advocacy.api.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("API_USER_RATE", "1200/min"),
        "anon": os.environ.get("API_ANON_RATE", "60/min"),
    },
    "EXCEPTION_HANDLER": "advocacy.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "advocacy.api.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON in, JSON out: one documented request body per operation (a form body answers 415). There is no
    # browsable API that would need form parsers.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Advocacy API",
    "DESCRIPTION": "Organization-scoped API of the employee advocacy platform. "
    "Authenticate with `Authorization: Bearer <personal API token>`.",
    "VERSION": "1.0.0",
    # OpenAPI 3.1: a nullable reference is `oneOf: [{$ref}, {type: "null"}]` (3.0 has no typed way to say it).
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "Role": "advocacy.permissions.Role",
        "InvitationStatus": "advocacy.api.serializers.INVITATION_STATUSES",
        "PolicyStatus": "policies.models.Policy.Status",
        "PolicyKind": "policies.models.PolicyKind",
        "PolicyVersionStatus": "policies.models.PolicyVersion.Status",
        "PolicyQuestionKind": "policies.models.PolicyQuestion.Kind",
        "CampaignStatus": "content_library.models.Campaign.Status",
        "ContentKind": "content_library.models.ContentItem.Kind",
        "ContentStatus": "content_library.models.ContentItem.Status",
        "ContentRevisionStatus": "content_library.models.ContentRevision.Status",
        "ShareStatus": "content_library.models.Share.Status",
        # monitoring and its review queue
        "MonitoredNetwork": "monitoring.models.Network",
        "SharingNetwork": "content_library.networks.Network",
        "ReviewItemState": "monitoring.review.models.ReviewItem.State",
        "ReviewOutcome": "monitoring.review.models.ReviewItem.Outcome",
        "ConsequenceKind": "monitoring.review.models.Consequence.Kind",
        # incidents (monitoring.incidents)
        "IncidentState": "monitoring.incidents.models.Incident.State",
        "IncidentSource": "monitoring.incidents.models.Incident.Source",
        "IncidentTimelineKind": "monitoring.incidents.models.TimelineEntry.Kind",
    },
    # No call-outs from the docs page: the online validator badge would send the schema URL away.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None, "persistAuthorization": False},
}

# --- Celery --------------------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# The visibility timeout must exceed the longest task, or Redis re-delivers a task still running.
# Publishing gives up within a second when the broker is down or hung: the task stays in the outbox
# (advocacy/core/outbox.py) and is sent when the broker is back.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2 * 60 * 60,
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "max_retries": 0,  # a publish connects once (kombu would wait 2 s and try again)
}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_TASK_PUBLISH_RETRY = False
# Nothing reads a task's result: none is kept. (Sending a task that keeps one subscribes to it in Redis
# first, which retries for 20 s when Redis is down and then breaks until the process restarts.)
CELERY_TASK_IGNORE_RESULT = True
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"

# --- Security ------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "advocacy.core.views.csrf_failure"  # the site's own page, in the base layout
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Outbound requests and tokens at rest (advocacy/core/outbound.py, advocacy/core/secrets.py) ---------------
# Loopback sandboxes over plain http (tests, the `make run` demo's Mastodon sandbox): never in production.
OUTBOUND_ALLOW_LOOPBACK = env_bool("OUTBOUND_ALLOW_LOOPBACK", default=DEBUG and DEMO_MODE)
if OUTBOUND_ALLOW_LOOPBACK and not (DEBUG or TESTING):
    raise ImproperlyConfigured("OUTBOUND_ALLOW_LOOPBACK is for tests and the demo; turn it off in production.")
# Fernet keys (urlsafe base64, 32 bytes), newest first: the first encrypts, all decrypt (rotation:
# `manage.py rotate_token_keys` re-encrypts with the newest). Unset: one key derived from SECRET_KEY.
TOKEN_ENCRYPTION_KEYS = env_list("TOKEN_ENCRYPTION_KEYS")
# The networks' public APIs (monitoring/networks/): Bluesky's AppView, X's API (read with the organization's token)
BLUESKY_APPVIEW_URL = os.environ.get("BLUESKY_APPVIEW_URL", "https://public.api.bsky.app")
X_API_URL = os.environ.get("X_API_URL", "https://api.x.com")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# One handler (the root's): every record is printed once, by web, worker and beat alike (advocacy/celery.py
# hands Celery this configuration). An expected denial (403) is one line at INFO; routine beat ticks (entries
# running more often than once a minute) log at DEBUG (advocacy/core/logs.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "filters": {
        "expected_denials": {"()": "advocacy.core.logs.ExpectedDenials"},
        "routine_ticks": {"()": "advocacy.core.logs.RoutineTicks"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) would print its records a second time through the root's
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"filters": ["expected_denials"]},
        "django.server": {"handlers": ["console"], "filters": ["expected_denials"], "propagate": False},
        "django.db.backends": {"level": "INFO"},
        "celery.beat": {"filters": ["routine_ticks"]},
        "celery.worker.strategy": {"filters": ["routine_ticks"]},
        "celery.app.trace": {"filters": ["routine_ticks"]},
    },
}
