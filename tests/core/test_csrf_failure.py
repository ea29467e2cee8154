"""A form posted without its CSRF cookie (an expired session, a browser blocking cookies) or with a stale
token gets the site's own page in the base layout: what happened, nothing saved, go back and try again;
and the form works again once reloaded."""

import re

import pytest
from django.test import Client

from advocacy.tenancy.models import Team

pytestmark = pytest.mark.django_db


def team_names(in_org, org):
    with in_org(org):
        return sorted(Team.objects.filter(organization=org).values_list("name", flat=True))


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_a_form_without_its_csrf_cookie_gets_the_sites_own_page(admin, org, in_org):
    teams_page = f"http://testserver/o/{org.slug}/teams/"
    before = team_names(in_org, org)
    client = signed_in(admin)
    response = client.post(f"/o/{org.slug}/teams/", {"name": "Sales"}, HTTP_REFERER=teams_page)

    assert response.status_code == 403
    assert [t.name for t in response.templates][:2] == ["core/csrf_failure.html", "base.html"]
    html = response.content.decode()
    assert "That form could not be sent" in html and "Nothing was saved" in html
    assert "did not send this site’s security cookie" in html and "allow cookies" in html
    assert "CSRF verification failed" not in html  # not Django's bare page
    assert 'class="sidebar"' in html and org.name in html  # the base layout, with the member's menu
    assert f'<a class="btn btn-primary" href="{teams_page}">Go back and try again</a>' in html
    assert team_names(in_org, org) == before

    # the page set a fresh cookie: reloading the form and sending it again works
    assert client.cookies["csrftoken"].value
    form = client.get(f"/o/{org.slug}/teams/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    sent = client.post(f"/o/{org.slug}/teams/", {"name": "Sales", "csrfmiddlewaretoken": token})
    assert sent.status_code == 302 and team_names(in_org, org) == sorted([*before, "Sales"])


def test_a_stale_token_is_explained_and_a_foreign_referer_is_not_offered(admin, org, in_org):
    client = signed_in(admin)
    client.get(f"/o/{org.slug}/teams/")  # the cookie is there
    response = client.post(
        f"/o/{org.slug}/teams/",
        {"name": "Sales", "csrfmiddlewaretoken": "x" * 64},
        HTTP_REFERER="https://evil.example/phish",
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "The page the form came from had expired" in html and "allow cookies" not in html
    assert "evil.example" not in html and "Go back and try again" not in html
    assert f'href="/o/{org.slug}/"' in html  # home of the organization instead
    assert "Sales" not in team_names(in_org, org)


def test_signed_out_the_page_still_renders_without_an_organization():
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"login": "a@b.example", "password": "x"})
    assert response.status_code == 403
    assert b"That form could not be sent" in response.content and b'href="/"' in response.content
