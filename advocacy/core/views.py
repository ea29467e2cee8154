from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from advocacy.celery import app as celery_app
from advocacy.core.cache import stream_client
from advocacy.tenancy.middleware import api_error
from advocacy.tenancy.selectors import memberships_for_user


@require_GET
@never_cache
def healthz(request):
    """The process is up."""
    return JsonResponse({"status": "ok"})


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_redis() -> str:
    """The cache's and the click buffer's server (the stream client: sub-second timeouts, no retry)."""
    stream_client().ping()
    return "ok"


def _check_broker() -> str:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=settings.REDIS_CONNECT_TIMEOUT)
        conn.default_channel  # noqa: B018 - the transport talks to the server here (a hung one times out)
    return "ok"


@require_GET
@never_cache
def readyz(request):
    """The database, Redis (cache and click buffer) and the broker answer. Each check gives up within a
    second (a hung Redis answers nothing), so this answers within 2 s and names what is down; the site
    itself keeps working without Redis (cache misses, the outbox, the click spool)."""
    checks = {}
    for name, check in (("database", _check_database), ("redis", _check_redis), ("broker", _check_broker)):
        if name == "broker" and checks["redis"] != "ok" and celery_app.conf.broker_url == settings.REDIS_URL:
            checks[name] = checks["redis"]  # the same server, known down: no second wait
            continue
        try:
            checks[name] = check()
        except Exception as exc:  # noqa: BLE001
            checks[name] = f"error: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


@login_required
def home(request):
    """Send a signed-in person to their organization; offer a choice when they have several."""
    memberships = memberships_for_user(user=request.user)
    if len(memberships) == 1:
        return redirect("org_home", org_slug=memberships[0].organization.slug)
    return render(request, "core/choose_organization.html", {"memberships": memberships})


def page_not_found(request, exception=None):
    """404 in the API's error format under /api/, the site's page elsewhere."""
    if request.path_info.startswith("/api/"):
        return api_error(404, "not_found", "Not found.")
    return defaults.page_not_found(request, exception)


def server_error(request):
    """500 in the API's error format under /api/ (clients parse one format), the site's page elsewhere."""
    if request.path_info.startswith("/api/"):
        return api_error(500, "server_error", "Something went wrong on our side. Please try again.")
    return defaults.server_error(request)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form that arrives without its CSRF cookie or with a stale token gets the site's
    own page (what happened, nothing was saved, go back and try again) instead of Django's bare one. The
    page sets a fresh CSRF cookie, so the form works once reloaded. (Django has logged the reason.)"""
    if request.path_info.startswith("/api/"):
        return api_error(403, "csrf_failed", "CSRF verification failed. Reload the page and try again.")
    referer = request.headers.get("referer", "")
    same_site = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    context = {"back_url": referer if same_site else "", "cookies_missing": reason == REASON_NO_CSRF_COOKIE}
    return render(request, "core/csrf_failure.html", context, status=403)
