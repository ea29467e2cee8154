"""A renamed policy says its new name everywhere at once: the breadcrumbs, headings and titles of every
authoring page, the lists, the settings form. Renaming happens in two places (the draft's title, the
policy's settings); each is followed by a walk over all the pages HR sees for that policy."""

import re

import pytest

from advocacy.tenancy.context import organization_scope
from policies import services
from policies.models import Policy, PolicyVersion

from .factories import make_policy, publish

pytestmark = pytest.mark.django_db

OLD, NEW = "Posting about clients", "Talking about customers online"


def url(org, tail=""):
    return f"/o/{org.slug}/policies/{tail}"


def authoring_pages(org, policy) -> list[str]:
    pages = [url(org), url(org, f"{policy.pk}/manage/"), url(org, f"{policy.pk}/edit/")]
    with organization_scope(org):
        if PolicyVersion.objects.filter(policy=policy, status__in=PolicyVersion.OPEN).exists():
            pages.append(url(org, f"{policy.pk}/draft/"))
        if policy.current_version_id:
            pages += [url(org, f"{policy.pk}/"), url(org, f"{policy.pk}/versions/{policy.current_version_id}/report/")]
    return pages


def breadcrumb(html: str) -> str:
    match = re.search(r'<div class="breadcrumbs">(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


def identity(html: str) -> str:
    """What names the policy on a page: the window title, the breadcrumbs, the heading (version history,
    which rightly keeps earlier titles, is not part of it)."""
    parts = [re.search(r"<title>(.*?)</title>", html, re.S), re.search(r"<h1>(.*?)</h1>", html, re.S)]
    return breadcrumb(html) + " | " + " | ".join(p.group(1) for p in parts if p)


def assert_named_everywhere(client, org, policy, *, name: str, stale: str, history: bool = False):
    """`history`: earlier versions were published under the stale name, and their rows may say so."""
    with organization_scope(org):
        policy.refresh_from_db()
    for page in authoring_pages(org, policy):
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert stale not in (identity(html) if history else html), f"{page} still says “{stale}”"
        assert name in html, page
        if "/draft/" in page or "/edit/" in page:
            assert name in breadcrumb(html), (page, breadcrumb(html))


def save_draft(client, org, policy, **changes):
    with organization_scope(org):
        draft = PolicyVersion.objects.get(policy=policy, status__in=PolicyVersion.OPEN)
    data = {"title": draft.title, "body_markdown": draft.body_markdown, "change_summary": "", "quiz_source": ""}
    response = client.post(url(org, f"{policy.pk}/draft/"), {**data, **changes})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"])


def test_renaming_an_unpublished_draft_renames_the_policy_on_every_page(org, hr, client_for):
    policy = make_policy(org, actor=hr, title=OLD)
    client = client_for(hr)
    page = save_draft(client, org, policy, title=NEW)
    html = page.content.decode()
    assert NEW in breadcrumb(html) and OLD not in html  # the page right after saving
    assert f"<title>Editing {NEW}" in html
    assert_named_everywhere(client, org, policy, name=NEW, stale=OLD)
    publish(org, policy, actor=hr)
    assert_named_everywhere(client, org, policy, name=NEW, stale=OLD)


def test_renaming_in_the_settings_renames_the_draft_too(org, hr, client_for):
    policy = make_policy(org, actor=hr, title=OLD)
    client = client_for(hr)
    response = client.post(
        url(org, f"{policy.pk}/edit/"), {"title": NEW, "kind": "social_media", "audience_all": "1", "owner": hr.pk}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert_named_everywhere(client, org, policy, name=NEW, stale=OLD)
    publish(org, policy, actor=hr)  # publishing hands the draft's title to the policy: still the new one
    assert_named_everywhere(client, org, policy, name=NEW, stale=OLD)


def test_a_published_policy_keeps_its_live_title_until_the_renamed_version_is_published(org, hr, client_for):
    policy = make_policy(org, actor=hr, title=OLD)
    publish(org, policy, actor=hr)
    with organization_scope(org):
        services.draft_start(organization=org, actor=hr, policy=policy)
    client = client_for(hr)
    html = save_draft(client, org, policy, title=NEW).content.decode()
    assert OLD in breadcrumb(html)  # the policy people read is still called that
    assert f"<h1>{NEW}" in html and f"Renamed from “{OLD}”" in html
    with organization_scope(org):
        assert Policy.objects.get(pk=policy.pk).title == OLD
    publish(org, policy, actor=hr)
    assert_named_everywhere(client, org, policy, name=NEW, stale=OLD, history=True)
    response = client.get(url(org))
    assert NEW in response.content.decode() and OLD not in response.content.decode()  # the lists


def test_a_draft_with_a_title_of_its_own_keeps_it_when_the_policy_is_renamed(org, hr, client_for):
    policy = make_policy(org, actor=hr, title=OLD)
    publish(org, policy, actor=hr)
    with organization_scope(org):
        draft = services.draft_start(organization=org, actor=hr, policy=policy)
        services.draft_save(organization=org, actor=hr, version=draft, title=NEW, body_markdown=draft.body_markdown)
        services.policy_update(organization=org, actor=hr, policy=policy, title="Interim name", kind="social_media")
        draft.refresh_from_db()
    assert draft.title == NEW
