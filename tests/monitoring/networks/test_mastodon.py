"""The Mastodon adapter against the mastodon-mock sandbox on 127.0.0.1 (real HTTP, Mastodon.py unpatched):
app registration and OAuth, incremental pages, counts, edits, deletions, hashtag timelines, and each failure
classified for the retry policy (429 with its reset time, 401, 403, 5xx, other 4xx, a refused address)."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from monitoring.networks import mastodon as adapter
from monitoring.networks.base import AuthorizationLost, PermanentError, RateLimited, TransientError

REDIRECT = "https://advocacy.example/o/acme/account/connected/mastodon/callback/"


def connect(sandbox, username="alice"):
    client_id, client_secret = adapter.register_app(sandbox.base_url, REDIRECT)
    url = adapter.authorize_url(sandbox.base_url, client_id, REDIRECT, state="s-123")
    back = sandbox.approve(url, username)
    query = parse_qs(urlsplit(back).query)
    assert query["state"] == ["s-123"]
    return adapter.exchange_code(sandbox.base_url, client_id, client_secret, query["code"][0], REDIRECT)


def test_register_authorize_exchange_and_verify(mastodon):
    token = connect(mastodon)
    info = adapter.MastodonAdapter(mastodon.base_url, token).verify()
    assert info.handle == f"@alice@{mastodon.host}"
    assert info.display_name == "Alice"
    assert info.external_id


def test_instance_addresses_are_normalized_and_checked():
    assert adapter.normalize_instance("Mastodon.Social") == "https://mastodon.social"
    assert adapter.normalize_instance("https://mastodon.social/") == "https://mastodon.social"
    assert adapter.normalize_instance("@someone@fosstodon.org") == "https://fosstodon.org"
    with pytest.raises(PermanentError):
        adapter.normalize_instance("")


def test_pages_after_the_cursor_oldest_first_only_public(mastodon):
    for i in range(5):
        mastodon.post("alice", f"post {i} #acme https://acme.example/news/{i}")
    mastodon.post("alice", "a private thought", visibility="private")
    client = adapter.MastodonAdapter(mastodon.base_url, "alice_token")
    me = client.verify()
    first = client.statuses_after(me.external_id, "", limit=2)
    assert [p.text for p in first.posts] == [
        "post 0 #acme https://acme.example/news/0",
        "post 1 #acme https://acme.example/news/1",
    ]
    assert first.more
    assert first.posts[0].hashtags == ("acme",)
    assert first.posts[0].links == ("https://acme.example/news/0",)
    texts, cursor, more = [], first.cursor, first.more
    while more:
        page = client.statuses_after(me.external_id, cursor, limit=2)
        texts += [p.text for p in page.posts]
        cursor, more = page.cursor or cursor, page.more
    assert texts == [f"post {i} #acme https://acme.example/news/{i}" for i in range(2, 5)]  # the private one never
    assert client.statuses_after(me.external_id, cursor).posts == []


def test_counts_edits_and_deletions(mastodon):
    status = mastodon.post("alice", "Proud of our launch")
    gone = mastodon.post("alice", "Oops, wrong thing")
    bob = mastodon.as_("bob")
    bob.status_favourite(status["id"])
    bob.status_reblog(status["id"])
    bob.status_post("Congrats!", in_reply_to_id=status["id"])
    mastodon.as_("alice").status_update(status["id"], "Proud of our launch (edited)")
    mastodon.as_("alice").status_delete(gone["id"])

    client = adapter.MastodonAdapter(mastodon.base_url, "alice_token")
    recent = client.recent_statuses(client.verify().external_id)
    [post] = recent.posts
    assert post.counts.likes == 1 and post.counts.reposts == 1 and post.counts.replies == 1
    assert post.text == "Proud of our launch (edited)"
    assert isinstance(post.edited_at, datetime.datetime)
    assert client.status_gone(str(gone["id"])) is True
    assert client.status_gone(str(status["id"])) is False


def test_hashtag_timeline_finds_brand_mentions(mastodon):
    mastodon.post("outsider", "Terrible support from #AcmeCorp today")
    mastodon.post("outsider", "unrelated")
    found = adapter.MastodonAdapter(mastodon.base_url).hashtag_statuses("#acmecorp")
    assert [p.author_handle for p in found] == [f"@outsider@{mastodon.host}"]
    assert found[0].hashtags == ("AcmeCorp",) or found[0].hashtags == ("acmecorp",)


def test_429_is_rate_limited_until_the_reset_time(mastodon):
    reset = datetime.datetime(2030, 1, 1, 12, 0, tzinfo=datetime.UTC)
    mastodon.fault(
        path="/api/v1/accounts/verify_credentials",
        status=429,
        kind="ratelimit",
        headers={"X-RateLimit-Reset": reset.isoformat().replace("+00:00", "Z"), "Retry-After": ""},
    )
    with pytest.raises(RateLimited) as caught:
        adapter.MastodonAdapter(mastodon.base_url, "alice_token").verify()
    assert caught.value.retry_at == reset and caught.value.status == 429


def test_429_with_retry_after_seconds(mastodon):
    mastodon.fault(
        path="/api/v1/accounts/verify_credentials", status=429, kind="ratelimit", headers={"Retry-After": "120"}
    )
    before = datetime.datetime.now(datetime.UTC)
    with pytest.raises(RateLimited) as caught:
        adapter.MastodonAdapter(mastodon.base_url, "alice_token").verify()
    assert before + datetime.timedelta(seconds=119) <= caught.value.retry_at <= before + datetime.timedelta(seconds=130)


def test_401_and_403_lose_the_authorization(mastodon):
    with pytest.raises(AuthorizationLost) as caught:
        adapter.MastodonAdapter(mastodon.base_url, "revoked-token").verify()
    assert caught.value.status == 401
    mastodon.fault(path="/api/v1/accounts/verify_credentials", status=403)
    with pytest.raises(AuthorizationLost):
        adapter.MastodonAdapter(mastodon.base_url, "alice_token").verify()


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_transient(mastodon, status):
    mastodon.fault(path="/api/v1/accounts/verify_credentials", status=status)
    with pytest.raises(TransientError) as caught:
        adapter.MastodonAdapter(mastodon.base_url, "alice_token").verify()
    assert caught.value.status == status


def test_other_4xx_is_permanent(mastodon):
    mastodon.fault(path="/api/v1/accounts/verify_credentials", status=422)
    with pytest.raises(PermanentError) as caught:
        adapter.MastodonAdapter(mastodon.base_url, "alice_token").verify()
    assert caught.value.status == 422


def test_a_loopback_instance_is_refused_without_the_sandbox_setting(mastodon, settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    with pytest.raises(PermanentError, match="not allowed|Only https"):
        adapter.MastodonAdapter(mastodon.base_url, "alice_token").verify()
    with pytest.raises(PermanentError):
        adapter.register_app(mastodon.base_url, REDIRECT)
