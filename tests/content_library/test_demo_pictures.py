"""The demo library has pictures: `seed_demo` gives every item a drawn picture, stored as an upload is,
different for each item, served to members and shown on the feed's cards; seeding again keeps them, and an
item whose file went missing gets a new one."""

import hashlib
import re
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from PIL import Image, ImageStat

from advocacy.demo import ORGS
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Organization
from content_library.demo.data import ITEMS
from content_library.demo.history import ARTICLES as HISTORY
from content_library.models import ContentItem

pytestmark = pytest.mark.django_db


def pictures(media) -> dict:
    """organization slug -> {item title: (stored name, file bytes)}"""
    found = {}
    for slug, _name in ORGS:
        org = Organization.objects.get(slug=slug)
        with organization_scope(org):
            found[slug] = {
                item.title: (item.image.name, (media / item.image.name).read_bytes() if item.image else b"")
                for item in ContentItem.objects.filter(organization=org)
            }
    return found


def test_every_demo_item_has_its_own_picture_stored_and_shown_like_an_upload(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", verbosity=0)
    seeded = pictures(tmp_path)
    for slug, _name in ORGS:
        org = Organization.objects.get(slug=slug)
        items = seeded[slug]
        assert len(items) == len(ITEMS) + len(HISTORY)  # the library and its three months of history
        digests = set()
        for title, (name, data) in items.items():
            assert re.fullmatch(rf"content/{org.pk}/[0-9a-f]{{32}}\.jpg", name), (title, name)
            with Image.open(BytesIO(data)) as image:
                assert (image.format, image.size) == ("JPEG", (1200, 630))
                spread = ImageStat.Stat(image.convert("L")).stddev[0]
                assert 20 < spread < 110, (title, spread)  # drawn: light text on a gradient, not flat, not noise
                colours = len(image.convert("RGB").resize((120, 63)).getcolors(120 * 63) or [])
                assert colours > 200, title
            digests.add(hashlib.sha256(data).hexdigest())
        assert len(digests) == len(items), "each item has its own picture"

        browser = Client()
        browser.force_login(get_user_model().objects.get(email=f"employee@{slug}.example"))
        feed = browser.get(f"/o/{slug}/content/").content.decode()
        cards = feed.count('class="card content-card"')
        assert cards > 0 and feed.count('/image/" alt=""') == cards and "content-thumb-letter" not in feed
        src = re.search(r'<img src="([^"]+/image/)"', feed).group(1)
        served = browser.get(src)
        assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"

    # seeding again keeps every picture; one whose file is gone is drawn again
    lost = next(iter(seeded["acme"].values()))[0]
    (tmp_path / lost).unlink()
    call_command("seed_demo", verbosity=0)
    again = pictures(tmp_path)
    redrawn = {t for t, (name, _d) in again["acme"].items() if name != seeded["acme"][t][0]}
    assert len(redrawn) == 1 and again["acme"][redrawn.pop()][1]
    assert again["globex"] == seeded["globex"]
    assert sum(1 for p in tmp_path.rglob("*.jpg")) == 2 * (len(ITEMS) + len(HISTORY))
