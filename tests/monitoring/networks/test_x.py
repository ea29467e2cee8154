"""The X adapter (the organization's Bearer Token, through the outbound guard) against a local server answering
as X's API v2 documentation describes: user lookup, the user's posts with since_id and pagination tokens, counts,
edits, deletions, recent search, and each failure classified (429 with x-rate-limit-reset, 401, 5xx, 4xx)."""

import datetime

import pytest

from monitoring.networks import x as adapter
from monitoring.networks.base import PermanentError, RateLimited, TransientError
from tests.monitoring.servers.x_api import TOKEN


def client():
    return adapter.XAdapter(TOKEN)


def test_usernames_are_normalized():
    assert adapter.normalize_username("@Emery_E") == "Emery_E"
    assert adapter.normalize_username("https://x.com/emery?s=1") == "emery"
    for bad in ("", "has space", "x" * 16):
        with pytest.raises(PermanentError):
            adapter.normalize_username(bad)


def test_profile_and_verification(x):
    user_id = x.add_user("emery", name="Emery", description="Working at Acme", followers=12)
    profile = client().profile("Emery")
    assert (profile.id, profile.username, profile.followers_count) == (user_id, "emery", 12)
    assert client().verification_found(user_id, "emery", "advocacy-1") is False
    x.post("emery", "verifying advocacy-1")
    assert client().verification_found(user_id, "emery", "advocacy-1") is True
    with pytest.raises(PermanentError, match="no X account"):
        client().profile("nobody")


def test_user_posts_pages_since_counts_links_tags_edits(x):
    user_id = x.add_user("emery")
    first = x.post("emery", "Old one")
    for i in range(7):
        x.post("emery", f"Post {i} #AcmeLife https://acme.example/{i}", likes=i, retweets=1, replies=2, quotes=3)
    page = client().user_posts(user_id, since_id=first, limit=5)
    assert [p.text.split(" #")[0] for p in page.posts] == ["Post 6", "Post 5", "Post 4", "Post 3", "Post 2"]
    assert page.more
    rest = client().user_posts(user_id, since_id=first, token=page.cursor, limit=5)
    assert [p.text.split(" #")[0] for p in rest.posts] == ["Post 1", "Post 0"] and not rest.more
    post = page.posts[0]
    assert (post.counts.likes, post.counts.reposts, post.counts.replies, post.counts.quotes) == (6, 1, 2, 3)
    assert post.links == ("https://acme.example/6",) and post.hashtags == ("AcmeLife",)
    assert post.author_handle == "@emery" and post.url.endswith(f"/emery/status/{post.external_id}")
    x.edit(post.external_id, "Post 6, edited")
    edited = client().user_posts(user_id, limit=5).posts[0]
    assert edited.text == "Post 6, edited" and edited.edited_at is not None


def test_deletions_and_search(x):
    x.add_user("emery")
    x.add_user("critic")
    kept, gone = x.post("emery", "kept"), x.post("emery", "gone")
    x.delete(gone)
    assert client().existing([kept, gone]) == {kept}
    x.post("critic", "Acme support was slow today")
    found = client().search("acme")
    assert [p.author_handle for p in found.posts] == ["@critic"]


def test_failures_are_classified(x):
    user_id = x.add_user("emery")
    x.fault(f"/2/users/{user_id}/tweets", 429, headers={"x-rate-limit-reset": "1900000000"})
    with pytest.raises(RateLimited) as caught:
        client().user_posts(user_id)
    assert caught.value.retry_at == datetime.datetime.fromtimestamp(1900000000, tz=datetime.UTC)
    x.fault(f"/2/users/{user_id}/tweets", 503)
    with pytest.raises(TransientError):
        client().user_posts(user_id)
    with pytest.raises(PermanentError, match="credentials"):
        adapter.XAdapter("wrong-token").user_posts(user_id)
    with pytest.raises(PermanentError, match="max_results"):
        client()._get(f"/2/users/{user_id}/tweets", {"max_results": 500})
    with pytest.raises(PermanentError, match="not entered"):
        adapter.XAdapter("")


def test_a_loopback_api_is_refused_without_the_sandbox_setting(x, settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    with pytest.raises(PermanentError, match="not allowed|Only https"):
        client().profile("emery")
