"""The intake service: storing pulled posts and mentions in batches, idempotently, with edits, deletions,
attribution to shares, one engagement snapshot per post and run, scores, rule matches and the signals."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advocacy.tenancy.context import organization_scope
from content_library.models import Share
from monitoring.models import EngagementSnapshot, Mention, MonitoringSettings, Post, RuleMatch, SentimentState
from monitoring.networks.base import Counts
from monitoring.services.intake import mentions_ingest, posts_ingest
from monitoring.signals import engagement_pulled, mention_checked, post_checked
from tests.content_library.factories import ShareFactory
from tests.factories import MembershipFactory, UserFactory
from tests.monitoring.factories import (
    ConnectedAccountFactory,
    MonitoringSettingsFactory,
    PullRunFactory,
    RuleFactory,
    pulled,
)

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def member(org):
    return MembershipFactory(organization=org, user=UserFactory(email="poster@acme-test.example")).user


@pytest.fixture
def account(org, member):
    return ConnectedAccountFactory(organization=org, user=member)


@pytest.fixture
def leak_rule(org):
    return RuleFactory(organization=org, name="Leaks", pattern="leak")


def _run(org, account, **kwargs):
    return PullRunFactory(organization=org, account=account, **kwargs)


def _ingest(org, account, run, items):
    with organization_scope(org):
        return posts_ingest(organization=org, account=account, run=run, pulled=items)


@pytest.fixture
def signals(django_capture_on_commit_callbacks):
    sent = []

    def receiver(signal):
        def receive(sender, **kwargs):
            sent.append((signal, kwargs))

        return receive

    receivers = {
        "post_checked": receiver("post_checked"),
        "mention_checked": receiver("mention_checked"),
        "engagement_pulled": receiver("engagement_pulled"),
    }
    post_checked.connect(receivers["post_checked"])
    mention_checked.connect(receivers["mention_checked"])
    engagement_pulled.connect(receivers["engagement_pulled"])
    yield sent
    post_checked.disconnect(receivers["post_checked"])
    mention_checked.disconnect(receivers["mention_checked"])
    engagement_pulled.disconnect(receivers["engagement_pulled"])


def test_a_page_is_stored_scored_matched_and_signalled_after_commit(
    org, account, leak_rule, signals, django_capture_on_commit_callbacks
):
    run = _run(org, account)
    items = [
        pulled("The roadmap leaked and I am furious, this is terrible", likes=3, reposts=1),
        pulled("Nos chiffres ont fuité hier soir, quelle histoire"),
        pulled("A lovely day at the office, great team!"),
    ]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ids = _ingest(org, account, run, items)
        assert signals == []  # nothing before the commit
    for callback in callbacks:
        callback()
    with organization_scope(org):
        posts = {p.external_id: p for p in Post.objects.filter(pk__in=ids)}
        leak = posts[items[0].external_id]
        assert (leak.likes, leak.reposts, leak.user_id, leak.network) == (3, 1, account.user_id, "mastodon")
        assert leak.sentiment_state == SentimentState.SCORED and leak.sentiment_compound < -0.05
        assert leak.sentiment_model.startswith("vaderSentiment ")
        french = posts[items[1].external_id]
        assert french.language == "fr" and french.sentiment_state == SentimentState.NOT_SCORED_LANGUAGE
        assert french.sentiment_compound is None and french.sentiment_neutral is None  # never neutral
        match = RuleMatch.objects.get(post=leak)
        assert (match.rule_id, match.matched_text, match.start, match.end) == (leak_rule.pk, "leaked", 12, 18)
        assert EngagementSnapshot.objects.filter(run=run).count() == 3
    assert [(s, sorted(k["post_ids"])) for s, k in signals if s == "post_checked"] == [("post_checked", sorted(ids))]
    pulled_signal = [k for s, k in signals if s == "engagement_pulled"]
    assert pulled_signal[0]["run_id"] == run.pk and sorted(pulled_signal[0]["post_ids"]) == sorted(ids)


def test_a_replayed_page_changes_nothing_and_duplicates_nothing(
    org, account, leak_rule, signals, django_capture_on_commit_callbacks
):
    run = _run(org, account)
    items = [pulled("A leak of the plan", likes=1), pulled("Another post")]
    with django_capture_on_commit_callbacks(execute=True):
        first = _ingest(org, account, run, items)
    with organization_scope(org):
        before = list(Post.objects.order_by("pk").values())
        matches = list(RuleMatch.objects.values_list("pk", flat=True))
    signals.clear()
    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
        again = _ingest(org, account, run, items)
    assert again == first
    assert signals == []  # nothing stored or changed: nothing to tell
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert all("ON CONFLICT DO NOTHING" in sql for sql in writes)  # the snapshots' insert finds them there
    with organization_scope(org):
        assert list(Post.objects.order_by("pk").values()) == before
        assert list(RuleMatch.objects.values_list("pk", flat=True)) == matches
        assert EngagementSnapshot.objects.count() == 2


def test_the_next_run_stores_new_counts_and_a_snapshot_each(org, account, django_capture_on_commit_callbacks):
    item = pulled("Growing post", likes=1)
    first_run = _run(org, account, started_at=timezone.now() - datetime.timedelta(hours=1))
    _ingest(org, account, first_run, [item])
    second_run = _run(org, account)
    grown = pulled("Growing post", external_id=item.external_id, posted_at=item.posted_at, counts=Counts(likes=9))
    _ingest(org, account, second_run, [grown])
    with organization_scope(org):
        post = Post.objects.get()
        assert post.likes == 9 and post.last_seen_at == second_run.started_at
        assert post.first_seen_at == first_run.started_at
        assert list(post.snapshots.order_by("taken_at").values_list("likes", flat=True)) == [1, 9]


def test_edits_are_noticed_and_rechecked_keeping_matches_still_found(org, account, leak_rule):
    item = pulled("A leak here. Nothing else.")
    _ingest(org, account, _run(org, account), [item])
    with organization_scope(org):
        kept = RuleMatch.objects.get()
    edited_at = timezone.now()
    edited = pulled(
        "A leak here. Now with leaks.", external_id=item.external_id, posted_at=item.posted_at, edited_at=edited_at
    )
    _ingest(org, account, _run(org, account), [edited])
    with organization_scope(org):
        post = Post.objects.get()
        assert post.text == "A leak here. Now with leaks." and post.edited_at == edited_at
        matches = list(RuleMatch.objects.order_by("start"))
        assert [m.matched_text for m in matches] == ["leak", "leaks"]
        assert matches[0].pk == kept.pk  # the match still found keeps its id (the review queue refers to it)
    # the network does not say when: the pull that noticed the change is the time
    silent = pulled("Clean text now.", external_id=item.external_id, posted_at=item.posted_at)
    run = _run(org, account)
    _ingest(org, account, run, [silent])
    with organization_scope(org):
        assert Post.objects.get().edited_at == run.started_at
        assert not RuleMatch.objects.exists()


def test_deletions_are_noticed(org, account, signals, django_capture_on_commit_callbacks):
    item = pulled("Soon gone")
    with django_capture_on_commit_callbacks(execute=True):
        (post_id,) = _ingest(org, account, _run(org, account), [item])
    signals.clear()
    run = _run(org, account)
    gone = pulled("Soon gone", external_id=item.external_id, posted_at=item.posted_at, deleted=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert _ingest(org, account, run, [gone]) == [post_id]
    with organization_scope(org):
        assert Post.objects.get().deleted_at == run.started_at
        assert EngagementSnapshot.objects.filter(run=run).count() == 0
    assert [(s, k["post_ids"]) for s, k in signals] == [("post_checked", [post_id])]


def test_tracked_links_and_item_addresses_attribute_posts_to_shares(org, account, member):
    share = ShareFactory(organization=org, user=member, code="Trk_9aZ", network="mastodon")
    own_item_share = ShareFactory(organization=org, user=member, network="mastodon")
    someone_elses = ShareFactory(organization=org, network="linkedin")  # an item only another member shared
    tracked = f"{settings.SITE_URL}/l/Trk_9aZ"
    items = [
        pulled(f"Read this {tracked}"),
        pulled("Our article", links=(own_item_share.content.url + "?utm_source=x",)),
        pulled("Their article", links=(someone_elses.content.url,)),
        pulled("No link at all"),
        pulled("Case matters", links=(f"{settings.SITE_URL}/l/trk_9az",)),
    ]
    with CaptureQueriesContext(connection) as queries:
        _ingest(org, account, _run(org, account), items)
    share_queries = [q for q in queries.captured_queries if "content_library_" in q["sql"]]
    assert len(share_queries) <= 3  # one batch: codes, items, the member's shares of them
    with organization_scope(org):
        posts = {p.external_id: p for p in Post.objects.all()}
    row = posts[items[0].external_id]
    assert (row.share_id, row.content_item_id, row.campaign_id) == (share.pk, share.content_id, share.campaign_id)
    assert posts[items[1].external_id].share_id == own_item_share.pk
    third = posts[items[2].external_id]
    assert third.share_id is None and third.content_item_id == someone_elses.content_id
    assert posts[items[3].external_id].content_item_id is None
    assert posts[items[4].external_id].share_id is None


def test_missing_disclosure_on_attributed_posts_only(org, account, member):
    rule = RuleFactory(organization=org, name="Disclose", kind="missing_disclosure", pattern="")
    ShareFactory(organization=org, user=member, code="Disc123", network="mastodon")
    link = f"{settings.SITE_URL}/l/Disc123"
    undisclosed, disclosed, tagged, unrelated = (
        pulled(f"Great news {link}"),
        pulled(f"Great news #Employee {link}"),
        pulled(f"Great news {link}", hashtags=("ad",)),
        pulled("Great news, no link"),
    )
    _ingest(org, account, _run(org, account), [undisclosed, disclosed, tagged, unrelated])
    with organization_scope(org):
        flagged = list(RuleMatch.objects.filter(rule=rule).values_list("post__external_id", "matched_text"))
    assert flagged == [(undisclosed.external_id, link)]


def test_rules_version_change_rechecks_posts_seen_again(org, account):
    MonitoringSettingsFactory(organization=org)
    item = pulled("Project Falcon ships")
    _ingest(org, account, _run(org, account), [item])
    with organization_scope(org):
        assert not RuleMatch.objects.exists()
        RuleFactory(organization=org, name="Falcon", pattern="project falcon")
        MonitoringSettings.objects.update(rules_version=2)
    _ingest(org, account, _run(org, account), [item])
    with organization_scope(org):
        assert RuleMatch.objects.get().matched_text == "Project Falcon"
        assert Post.objects.get().rules_version == 2


def test_mentions_by_non_members_with_brand_terms(org, account, signals, django_capture_on_commit_callbacks):
    MonitoringSettingsFactory(organization=org, brand_terms=["Acme"], hashtags=["acmelife"])
    rule = RuleFactory(organization=org, name="Insults", pattern="idiot", category="harassment")
    run = PullRunFactory(organization=org, kind="mentions")
    outsider = pulled("Acme support is run by an idiot", author_handle="grumpy@else.example")
    tagged = pulled("Sunny day", author_handle="fan@else.example", hashtags=("AcmeLife",))
    own = pulled("Acme is great", author_handle=account.handle)  # a member: their pulls bring it in
    with django_capture_on_commit_callbacks(execute=True):
        with organization_scope(org):
            ids = mentions_ingest(organization=org, run=run, pulled=[outsider, tagged, own])
    with organization_scope(org):
        mentions = {m.external_id: m for m in Mention.objects.all()}
        assert set(mentions) == {outsider.external_id, tagged.external_id}
        assert mentions[outsider.external_id].matched_terms == ["Acme"]
        assert mentions[tagged.external_id].matched_terms == ["#acmelife"]
        assert mentions[outsider.external_id].sentiment_compound < 0
        assert RuleMatch.objects.get(rule=rule).mention_id == mentions[outsider.external_id].pk
    assert [(s, sorted(k["mention_ids"])) for s, k in signals] == [("mention_checked", sorted(ids))]
    # replayed: nothing changes; deleted by its author: gone
    signals.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with organization_scope(org):
            mentions_ingest(organization=org, run=run, pulled=[outsider, tagged])
            assert signals == []
            gone = pulled(
                outsider.text, external_id=outsider.external_id, author_handle="grumpy@else.example", deleted=True
            )
            mentions_ingest(organization=org, run=run, pulled=[gone])
            assert list(Mention.objects.values_list("external_id", flat=True)) == [tagged.external_id]
            assert not RuleMatch.objects.exists()


def test_ingest_query_count_does_not_grow_with_the_page(org, account, leak_rule):
    def count(n):
        items = [pulled(f"Post number {i} with a leak https://example.com/{i}") for i in range(n)]
        with CaptureQueriesContext(connection) as queries:
            _ingest(org, account, _run(org, account), items)
        return len(queries.captured_queries)

    count(1)  # the rule set is compiled once per process and rules version
    assert count(2) == count(40)


def test_other_organizations_posts_are_not_touched(org, other_org, account):
    other_account = ConnectedAccountFactory(organization=other_org, external_id=account.external_id)
    item = pulled("Same status id on the same network")
    _ingest(org, account, _run(org, account), [item])
    _ingest(other_org, other_account, _run(other_org, other_account), [item])
    with organization_scope(org):
        assert Post.objects.count() == 1
    with organization_scope(other_org):
        assert Post.objects.get().account_id == other_account.pk
    assert Share.objects.unscoped().count() == 0
