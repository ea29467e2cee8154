"""The fixed cost every page pays: Redis round trips before the view, the CSP header, static URLs."""

import json

import pytest
from csp.constants import HEADER
from csp.decorators import csp_exempt, csp_update
from csp.middleware import CSPMiddleware
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from advocacy.accounts.sessions import SessionStore, session_cache_key
from advocacy.core.storage import StaticStorage

pytestmark = pytest.mark.django_db


def test_org_home_reads_redis_twice_when_warm(client_for, admin, org, redis_commands):
    client = client_for(admin)
    for _ in range(3):  # versioned entries are stored from the second read on
        assert client.get(f"/o/{org.slug}/").status_code == 200
    redis_commands.clear()
    assert client.get(f"/o/{org.slug}/").status_code == 200
    # the organization and the session, then the user, membership, switcher, statistics and banner
    assert redis_commands == ["MGET", "MGET"]


def test_a_session_missing_from_the_cache_is_read_from_the_database(client_for, employee, org):
    client = client_for(employee)
    session = SessionStore(client.cookies["sessionid"].value)
    key = session_cache_key(session)
    assert key and cache.get(key)[SESSION_KEY] == str(employee.pk)
    cache.delete(key)
    response = client.get(f"/o/{org.slug}/")
    assert response.status_code == 200 and response.context["user"] == employee
    assert cache.get(key)[SESSION_KEY] == str(employee.pk)  # and cached again


def test_no_session_cookie_means_no_session_key():
    assert session_cache_key(SessionStore()) is None


def _policy(header: str) -> dict[str, set[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: set(values) for name, *values in directives}


def _through_csp(view):
    return CSPMiddleware(view)(RequestFactory().get("/o/x/"))


SITE_POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:", "https:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
    "base-uri": {"'self'"},
    "object-src": {"'none'"},
}


def test_pages_send_the_site_policy(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200 and _policy(response[HEADER]) == SITE_POLICY


def test_views_adjust_the_policy_through_django_csps_decorators():
    @csp_update({"img-src": ["https://images.example"]})
    def updated(request):
        return HttpResponse("ok")

    @csp_exempt()
    def exempt(request):
        return HttpResponse("ok")

    policy = _policy(_through_csp(updated)[HEADER])
    assert policy["img-src"] == SITE_POLICY["img-src"] | {"https://images.example"}
    assert HEADER not in _through_csp(exempt)


def test_static_urls_come_from_the_manifest(tmp_path):
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"version": "1.1", "hash": "x", "paths": {"css/app.css": "css/app.0123abcd.css"}})
    )
    storage = StaticStorage(location=str(tmp_path), base_url="/static/")
    assert storage.url("css/app.css") == "/static/css/app.0123abcd.css"
    assert storage.url("css/app.css") == "/static/css/app.0123abcd.css"  # the remembered answer
    with pytest.raises(ValueError):  # strict manifest: a missing file is an error, and is not remembered
        storage.url("css/missing.css")
    with pytest.raises(ValueError):
        storage.url("css/missing.css")


def test_top_bar_escapes_what_people_typed(client_for, org, other_org, admin):
    from tests.factories import MembershipFactory

    org.name = '<img src=x onerror="alert(1)"> & Co'
    org.save()
    MembershipFactory(organization=other_org, user=admin)
    admin.full_name = "<b>Ann</b>"
    admin.save()
    html = client_for(admin).get(f"/o/{org.slug}/").content.decode()
    top = html[html.index('<header class="topbar">') : html.index("</header>")]
    assert "<img src=x" not in top and "<b>Ann</b>" not in top
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Co" in top and "&lt;b&gt;Ann&lt;/b&gt;" in top
    assert f'href="/o/{other_org.slug}/"' in top and 'class="menu-item is-current"' in top
    assert 'name="csrfmiddlewaretoken"' in top  # the sign-out form posts


def test_top_bar_for_anonymous_visitors(client):
    html = client.get("/accounts/login/").content.decode()
    top = html[html.index('<header class="topbar">') : html.index("</header>")]
    assert "Sign in" in top and "user-menu" not in top


def test_cached_url_and_num_match_django():
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.urls import reverse

    from advocacy.core.templatetags.ui import cached_url, num

    assert cached_url("org_home", org_slug="acme") == reverse("org_home", kwargs={"org_slug": "acme"})
    assert cached_url("org_home", org_slug="acme") == "/o/acme/"
    for value in (0, 7, 1234, 1234567, -9876):
        assert num(value) == intcomma(value)
    assert num(1234.5) == intcomma(1234.5) and num(None) == intcomma(None)


def test_report_timestamps_match_djangos_format():
    from datetime import UTC, datetime, timedelta, timezone

    from django.utils import dateformat

    from policies.views.reports import _utc_stamp

    for month in range(1, 13):
        moment = datetime(2026, month, 3, 9, 5, tzinfo=timezone(timedelta(hours=2)))
        expected = dateformat.format(moment.astimezone(UTC), "j M Y, H:i") + " UTC"
        assert _utc_stamp(moment) == expected


def test_icon_sprite_is_current_and_icons_reference_it():
    """static/img/icons.svg is made from ICONS: after changing an icon run `manage.py write_icon_sprite`."""
    from pathlib import Path

    from django.conf import settings

    from advocacy.core.templatetags.ui import ICONS, SPRITE, icon, sprite_svg

    assert (Path(settings.BASE_DIR) / "static" / SPRITE).read_text() == sprite_svg()
    for name in ICONS:
        assert f'<symbol id="{name}" ' in sprite_svg()
    markup = icon("share", 14)
    assert 'width="14"' in markup and markup.endswith('icons.svg#share"></use></svg>')
    assert icon("no-such-icon").endswith('#dot"></use></svg>')


def test_top_bar_without_the_auth_context_is_a_visitors():
    from django.template import Context, Template

    html = Template("{% load ui %}{% topbar %}").render(Context({}))
    assert "Sign in" in html and "user-menu" not in html
