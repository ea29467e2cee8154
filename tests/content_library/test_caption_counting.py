"""One counting rule for captions: the server's (validation.caption_length), which the live counter in
static/js/content.js mirrors. Both are tested on the same strings, fixtures/caption_counts.json (emoji,
combining marks, URLs, white space); tests/browser/test_caption_counter.py types them into the pages."""

import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from advocacy.tenancy.context import organization_scope
from content_library import services
from content_library.networks import RULES, SPACE, URL_RE
from content_library.validation import caption_length, clean_captions, counting_rule
from tests.content_library.factories import ContentItemFactory

CASES = json.loads((Path(__file__).parent / "fixtures" / "caption_counts.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["why"] for c in CASES])
def test_the_server_counts_each_string_as_the_fixture_says(case):
    assert caption_length(case["network"], case["text"], has_link=case["has_link"]) == case["count"]


def test_the_rule_the_page_gets_is_the_servers():
    rule = counting_rule()
    assert rule["space"] == "".join(chr(c) for c in range(0x110000) if chr(c).isspace()) == SPACE
    assert rule["url"] == URL_RE.pattern
    assert rule["networks"] == {
        n: {"limit": r.limit, "unit": r.unit, "urls_as": r.urls_as or 0} for n, r in RULES.items()
    }
    assert rule["link"].endswith("/l/XXXXXXXX")


def test_the_limit_is_enforced_at_the_counted_length():
    at_limit = "a" * 279 + "\U0001f680"  # 280 code points, 281 UTF-16 units
    assert clean_captions({"x": at_limit}, has_link=False) == {"x": at_limit}
    with pytest.raises(ValidationError, match="281 of 280"):
        clean_captions({"x": at_limit + "!"}, has_link=False)


@pytest.mark.django_db
def test_sharing_refuses_a_caption_one_over_the_limit_only(org, employee):
    item = ContentItemFactory(organization=org)
    fits = "a" * (280 - 26) + "\U0001f680  "  # with the link: 254 + 1 + 2 + 23 = 280 (the spaces are trimmed)
    with organization_scope(org):
        services.share_prepare(organization=org, actor=employee, content=item, network="x", caption=fits)
        with pytest.raises(ValidationError, match="1 character too long"):
            services.share_prepare(organization=org, actor=employee, content=item, network="x", caption="b" + fits)
