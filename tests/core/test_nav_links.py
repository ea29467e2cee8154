"""Every link a member is shown leads somewhere they may go: for each role of the demo organizations
(`manage.py seed_demo`), every link in the sidebar, the top bar and the home page answers 200, with the
organization's settings as seeded and with the optional permissions switched on."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from advocacy.demo import ORGS, ROLE_PEOPLE
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Organization
from content_library.models import ContentSettings

pytestmark = pytest.mark.django_db

NOT_PAGES = ("/static/", "/media/", "/l/")  # files, and tracked links that redirect to the outside world


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href and href.startswith("/") and not href.startswith(NOT_PAGES):
            self.hrefs.append(href.split("#")[0])


def links_on(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return list(dict.fromkeys(parser.hrefs))


def walk(slug: str) -> dict[str, list[tuple[str, int]]]:
    """role -> [(link, status)] of every link on the home page (sidebar, top bar, cards) of that member."""
    seen = {}
    for role, *_ in ROLE_PEOPLE:
        browser = Client()
        browser.force_login(get_user_model().objects.get(email=f"{role}@{slug}.example"))
        home = browser.get(f"/o/{slug}/")
        assert home.status_code == 200, (slug, role)
        hrefs = links_on(home.content.decode())
        assert f"/o/{slug}/" in hrefs, "the sidebar is on the home page"
        seen[role] = [(href, browser.get(href).status_code) for href in hrefs]
    return seen


def review_queue_shown(seen, role, slug):
    return f"/o/{slug}/content/review/" in [href for href, _ in seen[role]]


def test_every_link_each_demo_role_is_shown_answers_200():
    call_command("seed_demo", verbosity=0)
    for slug, _ in ORGS:
        seen = walk(slug)
        broken = {role: [(h, s) for h, s in links if s != 200] for role, links in seen.items()}
        assert broken == {role: [] for role in seen}, slug
        assert sum(len(links) for links in seen.values()) > 4 * 10  # the walk saw the real menus
        # as seeded, only the admin approves content; the moderator is not shown the queue
        assert review_queue_shown(seen, "admin", slug) and not review_queue_shown(seen, "moderator", slug)

    # once the organization lets moderators approve, the queue is in their menu, and it opens
    organization = Organization.objects.get(slug="acme")
    with organization_scope(organization):
        ContentSettings.objects.filter(organization=organization).update(moderators_may_approve=True)
    seen = walk("acme")
    assert review_queue_shown(seen, "moderator", "acme")
    assert all(status == 200 for links in seen.values() for _, status in links), seen
    assert not review_queue_shown(seen, "employee", "acme") and not review_queue_shown(seen, "hr", "acme")
