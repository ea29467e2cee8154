"""`manage.py seed_demo`: the README's demo logins work, and running it again changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from advocacy.tenancy.models import Invitation, Membership, Organization, Team
from content_library.models import Campaign, ClickDaily, ContentItem, Hashtag, Share
from policies.models import Acknowledgement, Policy, PolicyQuestion, PolicyVersion
from tests.organizations import in_every_organization

pytestmark = pytest.mark.django_db

COUNTED = [
    Membership, Team, Invitation, Policy, PolicyVersion, Acknowledgement, PolicyQuestion,
    ContentItem, Campaign, Hashtag, Share, ClickDaily,
]  # fmt: skip


def snapshot():
    counts = {
        model.__name__: sum(in_every_organization(lambda model=model: [model.objects.count()])) for model in COUNTED
    }
    counts["User"] = get_user_model().objects.count()
    counts["Organization"] = Organization.objects.count()
    return counts


def test_seed_demo_is_repeatable_and_its_logins_work(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", verbosity=0)
    first = snapshot()
    assert first["Organization"] == 2 and first["User"] >= 2 * 24
    assert first["PolicyVersion"] >= 4 and first["Acknowledgement"] > 0 and first["PolicyQuestion"] > 0
    assert first["ContentItem"] >= 2 * 30 and first["Campaign"] >= 2 and first["ClickDaily"] > 0
    call_command("seed_demo", verbosity=0)
    assert snapshot() == first
    for slug in ("acme", "globex"):
        for role in ("admin", "hr", "moderator", "employee"):
            browser = Client()
            response = browser.post(
                "/accounts/login/", {"login": f"{role}@{slug}.example", "password": settings.DEMO_PASSWORD}
            )
            assert response.status_code == 302, (role, slug)
            assert browser.get(f"/o/{slug}/").status_code == 200, (role, slug)
            assert browser.get(f"/o/{'globex' if slug == 'acme' else 'acme'}/").status_code == 404
