"""The live caption counter counts as the server does: each string of
tests/content_library/fixtures/caption_counts.json (emoji, combining marks, URLs, white space) is typed
into the content editor's caption and into the share form's post, and the counter must show the count
the server's caption_length gives (tests/content_library/test_caption_counting.py checks that side)."""

import json
from pathlib import Path

import pytest

from advocacy.permissions import Role
from tests.content_library.factories import ContentItemFactory
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

CASES = json.loads((Path(__file__).parent.parent / "content_library" / "fixtures" / "caption_counts.json").read_text())


def shown(counter) -> int:
    return int(counter.inner_text().split("/")[0].strip().replace(",", ""))


def test_the_editor_and_the_share_form_count_every_fixture_string_as_the_server(org, team, sign_in, screenshot):
    admin = UserFactory(email="alex@acme-test.example")
    MembershipFactory(organization=org, user=admin, roles=[Role.ADMIN, Role.EMPLOYEE], team=team)
    with_link = ContentItemFactory(organization=org, title="A linked article")
    without_link = ContentItemFactory(organization=org, title="A text post", kind="text", url="")
    page = sign_in(admin)

    page.goto(page.base + f"/o/{org.slug}/content/library/new/")
    editor = []
    for case in CASES:
        page.fill("input[name=url]", "https://www.acme.example/blog/post" if case["has_link"] else "")
        page.fill(f"textarea[name=caption_{case['network']}]", case["text"])
        editor.append(shown(page.locator(f"[data-counter-for=id_caption_{case['network']}]")))
    screenshot(page, "content-caption-counter-editor")

    share = []
    for has_link, item in ((True, with_link), (False, without_link)):
        page.goto(page.base + f"/o/{org.slug}/content/items/{item.pk}/")
        for case in CASES:
            if case["has_link"] == has_link:
                page.check(f"input[name=network][value={case['network']}]")
                page.fill("#share-caption", case["text"])
                share.append((case["why"], shown(page.locator("#caption-count"))))
    screenshot(page, "content-caption-counter-share")

    expected = [case["count"] for case in CASES]
    assert list(zip([c["why"] for c in CASES], editor, strict=True)) == list(
        zip([c["why"] for c in CASES], expected, strict=True)
    )
    by_why = {c["why"]: c["count"] for c in CASES}
    assert share == [(why, by_why[why]) for why, _ in share] and len(share) == len(CASES)
