"""The Bluesky adapter (atproto through the outbound guard) against a local AppView on 127.0.0.1 whose answers
validate against atproto's models: handle resolution and verification, the author feed with cursor pages and
counts, deletions, search for brand mentions, and each failure classified for the retry policy."""

import datetime

import pytest

from monitoring.networks import bluesky as adapter
from monitoring.networks.base import PermanentError, RateLimited, TransientError


def test_handles_are_normalized():
    assert adapter.normalize_handle("@Alice.bsky.social ") == "alice.bsky.social"
    assert adapter.normalize_handle("https://bsky.app/profile/alice.example.com") == "alice.example.com"
    for bad in ("", "alice", "al ice.bsky.social"):
        with pytest.raises(PermanentError):
            adapter.normalize_handle(bad)


def test_resolve_profile_and_verification_by_profile_or_post(bluesky):
    did = bluesky.add_profile("alice.bsky.social", display_name="Alice", description="Engineer at Acme", followers=42)
    client = adapter.BlueskyAdapter()
    assert client.resolve_handle("alice.bsky.social") == did
    profile = client.profile(did)
    assert (profile.handle, profile.display_name, profile.followers_count) == ("alice.bsky.social", "Alice", 42)
    assert client.verification_found(did, "adv-123456") is False
    bluesky.post("alice.bsky.social", "Verifying my account: adv-123456")
    assert client.verification_found(did, "adv-123456") is True
    bluesky.profiles[did]["description"] = "adv-999 is my code"
    assert client.verification_found(did, "adv-999") is True


def test_unknown_handle_is_a_permanent_error(bluesky):
    with pytest.raises(PermanentError, match="Unable to resolve handle"):
        adapter.BlueskyAdapter().resolve_handle("nobody.bsky.social")


def test_author_feed_pages_with_cursor_counts_links_and_tags(bluesky):
    did = bluesky.add_profile("alice.bsky.social")
    start = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    for i in range(5):
        bluesky.post(
            "alice.bsky.social",
            f"Post {i} #AcmeLife https://acme.example/n/{i}",
            at=start + datetime.timedelta(hours=i),
            likes=i,
            reposts=1,
            replies=2,
            quotes=3,
        )
    client = adapter.BlueskyAdapter()
    first = client.author_feed(did, limit=2)
    assert [p.text.split(" #")[0] for p in first.posts] == ["Post 4", "Post 3"]
    assert first.more and first.cursor
    post = first.posts[0]
    assert (post.counts.likes, post.counts.reposts, post.counts.replies, post.counts.quotes) == (4, 1, 2, 3)
    assert post.links == ("https://acme.example/n/4",) and post.hashtags == ("AcmeLife",)
    assert post.posted_at == start + datetime.timedelta(hours=4)
    assert post.url.startswith("https://bsky.app/profile/alice.bsky.social/post/")
    second = client.author_feed(did, cursor=first.cursor, limit=2)
    third = client.author_feed(did, cursor=second.cursor, limit=2)
    assert [p.text[:6] for p in second.posts + third.posts] == ["Post 2", "Post 1", "Post 0"]
    assert third.more is False


def test_deleted_posts_are_noticed(bluesky):
    bluesky.add_profile("alice.bsky.social")
    kept = bluesky.post("alice.bsky.social", "kept")
    gone = bluesky.post("alice.bsky.social", "gone")
    bluesky.delete(gone)
    assert adapter.BlueskyAdapter().existing([kept, gone]) == {kept}


def test_search_finds_mentions_since(bluesky):
    bluesky.add_profile("critic.bsky.social")
    old = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    bluesky.post("critic.bsky.social", "Acme support was awful", at=old)
    bluesky.post("critic.bsky.social", "Acme support was awful again")
    found = adapter.BlueskyAdapter().search("acme", since=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC))
    assert [p.text for p in found.posts] == ["Acme support was awful again"]
    assert found.posts[0].author_handle == "critic.bsky.social"


def test_429_is_rate_limited_until_the_reset(bluesky):
    bluesky.add_profile("alice.bsky.social")
    bluesky.fault(
        "app.bsky.actor.getProfile", 429, headers={"RateLimit-Reset": "1900000000", "RateLimit-Remaining": "0"}
    )
    with pytest.raises(RateLimited) as caught:
        adapter.BlueskyAdapter().profile("alice.bsky.social")
    assert caught.value.retry_at == datetime.datetime.fromtimestamp(1900000000, tz=datetime.UTC)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_transient(bluesky, status):
    bluesky.add_profile("alice.bsky.social")
    bluesky.fault("app.bsky.feed.getAuthorFeed", status)
    with pytest.raises(TransientError):
        adapter.BlueskyAdapter().author_feed("alice.bsky.social")


def test_a_loopback_appview_is_refused_without_the_sandbox_setting(bluesky, settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    with pytest.raises(PermanentError, match="not allowed|Only https"):
        adapter.BlueskyAdapter().resolve_handle("alice.bsky.social")
