"""Unsafe markup is still removed (nh3), and the author is told what was removed and why before they
publish: on the draft page after saving, in the live preview, on the publish form and in its
confirmation; the audit record of the publication keeps it. Every payload of the XSS corpus that the
cleaning tests use gets a notice; ordinary Markdown (footnotes, aligned tables, code, abbreviations)
gets none."""

import html
import re

import pytest

from advocacy.audit.models import AuditEvent
from advocacy.tenancy.context import organization_scope
from policies import services
from policies.markup import removal_notice, removed_markup, render_markdown
from policies.models import PolicyVersion

from .factories import make_policy
from .test_markup import PAYLOADS

EXAMPLE = '<script>alert("hi")</script>\n\nRead the <a href="#" onclick="steal()">rules</a> first.'
EXAMPLE_NOTICE = (
    "Removed a <script> element and an onclick attribute: scripts and event handlers cannot run in policies."
)

ORDINARY = """# Posting about work

Say you work here.[^1] Read the [handbook](https://example.com/handbook) or [write to us](mailto:hr@example.com),
or see [the FAQ](#faq).

| Network | Allowed |
|:--------|--------:|
| X       | yes     |

```python
print("code keeps its text")
```

*[FAQ]: Frequently asked questions

Term
: Its definition

> A quote with **bold**, *emphasis*, `code` and ~~strike~~.

[^1]: A footnote.
"""


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if not p.startswith("<!--")])
def test_every_payload_of_the_xss_corpus_is_explained(payload):
    notice = removal_notice(payload)
    assert notice.startswith("Removed "), payload
    assert "<script" not in render_markdown(payload).lower()  # and it is still removed


def test_the_notice_names_what_and_why():
    assert removal_notice(EXAMPLE) == EXAMPLE_NOTICE
    assert removal_notice("<script>a</script><script>b</script>").startswith("Removed 2 <script> elements:")
    notice = removal_notice(
        '<iframe src="https://x.example"></iframe> <u>a</u> [x](data:text/html,1) ![p](https://x/p.png)'
    )
    assert "an <iframe> element: policies cannot embed" in notice
    assert "a <u> tag (its text is kept): policies keep Markdown formatting only" in notice
    assert "a data: link: links can only go to http, https or mailto addresses" in notice
    assert "an image: policies show no images" in notice
    assert [r.group for r in removed_markup(EXAMPLE)] == ["script", "script"]


def test_ordinary_markdown_raises_no_notice():
    assert removal_notice(ORDINARY) == ""
    assert removal_notice("") == ""
    assert removal_notice("<!-- a comment -->\n\nText") == ""  # invisible either way


def draft_of(org, policy):
    with organization_scope(org):
        return PolicyVersion.objects.get(policy=policy, status__in=PolicyVersion.OPEN)


def confirm_text(page: str) -> str:
    return html.unescape(re.search(r'data-confirm="([^"]*)" data-requires-saved-draft', page).group(1))


@pytest.mark.django_db
def test_the_author_is_told_on_save_in_the_preview_and_before_publishing(org, hr, client_for):
    policy = make_policy(org, actor=hr, title="Posting")
    client = client_for(hr)
    base = f"/o/{org.slug}/policies/{policy.pk}/draft/"
    saved = client.post(base, {"title": "Posting", "body_markdown": EXAMPLE}, follow=True)
    page = saved.content.decode()
    assert "Draft saved. Some of its markup will not reach employees" in page  # the message after saving
    assert html.escape(EXAMPLE_NOTICE, quote=False) in page  # beside the editor
    assert EXAMPLE_NOTICE in confirm_text(page)  # in the publish confirmation
    assert confirm_text(page).startswith("Publish this version? Its text is frozen once published. Removed")
    assert "data-publish-removed>" in page
    assert "<script>alert" not in page and 'onclick="steal' not in page  # the preview stays clean

    preview = client.post(base + "preview/", {"body_markdown": "<style>p{}</style> <b onmouseover=x>hi</b>"})
    text = preview.content.decode()
    assert 'id="markup-notice"' in text and 'hx-swap-oob="true"' in text
    assert "Removed a &lt;style&gt; element" in text and "an onmouseover attribute" in text
    assert "<style>" not in text and "onmouseover=" not in text

    clean_preview = client.post(base + "preview/", {"body_markdown": "Just **text**."}).content.decode()
    assert 'id="markup-notice"' in clean_preview and "Removed" not in clean_preview  # the note goes away

    # fixed and saved: no note anywhere, the confirmation is the plain question
    page = client.post(base, {"title": "Posting", "body_markdown": "Read the rules first."}, follow=True)
    page = page.content.decode()
    assert "Removed" not in page and "Draft saved." in page
    assert confirm_text(page) == "Publish this version? Its text is frozen once published."


@pytest.mark.django_db
def test_the_publication_records_what_was_left_out(org, hr):
    policy = make_policy(org, actor=hr, title="Posting", body=EXAMPLE)
    with organization_scope(org):
        version = services.version_publish(
            organization=org, actor=hr, version=draft_of(org, policy), change_kind="material"
        )
        event = AuditEvent.objects.get(action="policy.published")
    assert event.data["removed_markup"] == EXAMPLE_NOTICE
    assert "<script" not in version.body_html and "onclick" not in version.body_html
