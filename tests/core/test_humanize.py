"""Pages say when something happened in words, with Django's naturaltime."""

import pytest
from django.utils import timezone

from tests.content_library.factories import ContentItemFactory

pytestmark = pytest.mark.django_db


def _card(body: str, title: str) -> str:
    at = body.index(f">{title}<")
    return body[body.rindex('class="card content-card"', 0, at) : body.index("</article>", at)]


def test_feed_cards_say_how_long_ago_an_item_was_published(org, employee, client_for):
    now = timezone.now()
    ContentItemFactory(organization=org, title="Solar roof story", publish_at=now - timezone.timedelta(hours=3))
    ContentItemFactory(organization=org, title="Quarterly results", publish_at=now - timezone.timedelta(days=15))
    body = client_for(employee).get(f"/o/{org.slug}/content/").content.decode()
    assert "3\xa0hours ago" in _card(body, "Solar roof story")
    assert "2\xa0weeks, 1\xa0day ago" in _card(body, "Quarterly results")
