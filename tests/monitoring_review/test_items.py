"""Review items from the intake: one item per post, joining and reopening, priority with reasons, due times,
the random sample, virality (and the item_went_viral signal), and the receivers wired to monitoring's signals."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from monitoring.models import EngagementSnapshot, MonitoringSettings, Post
from monitoring.review import services, signals
from monitoring.review.models import ItemEvent, ItemSignal, Priority, ReviewItem
from monitoring.review.services.items import compute_priority
from tests.monitoring.factories import MonitoringSettingsFactory, PullRunFactory, pulled
from tests.monitoring_review.factories import account_of, ensure_rule, flagged_item, ingest, member, reported_item

pytestmark = pytest.mark.django_db


def test_a_rule_match_makes_one_item_with_its_reasons_and_due_time(org):
    item = flagged_item(org, text="The launch leak is here", severity="high")
    with organization_scope(org):
        signal = ItemSignal.objects.get(organization=org, item=item)
        assert item.state == ReviewItem.State.OPEN
        assert item.priority == Priority.HIGH
        assert "Leaks" in item.priority_reasons[0] and "leak" in item.priority_reasons[0]
        assert (signal.matched_text.lower(), signal.start, signal.end) == ("leak", 11, 15)
        assert item.snapshot["text"] == "The launch leak is here"
        assert item.snapshot["engagement"]
        # the default service level of a high item: 4 hours
        assert timedelta(hours=3, minutes=59) < item.due_at - item.created_at <= timedelta(hours=4)
        assert item.member_id is not None
        assert ItemEvent.objects.filter(organization=org, item=item, kind="created").count() == 1


def test_replayed_signals_store_nothing_and_new_ones_join(org):
    item = flagged_item(org)
    with organization_scope(org):
        before = ItemSignal.objects.filter(organization=org).count()
        services.items_from_posts(organization=org, post_ids=[item.post_id])  # the same pull again
        assert ItemSignal.objects.filter(organization=org).count() == before
        assert ReviewItem.objects.filter(organization=org).count() == 1
    reported_item(org, url=item.snapshot["url"])  # a colleague reports the same post: it joins
    with organization_scope(org):
        assert ReviewItem.objects.filter(organization=org).count() == 1
        item.refresh_from_db()
        assert "report" in item.sources


def test_a_new_signal_reopens_a_resolved_item_but_a_report_on_a_harmless_post_joins_quietly(org, moderator):
    item = reported_item(org)
    with organization_scope(org):
        services.item_decide(
            organization=org, actor=moderator, item=item, version=item.version, outcome="no_violation", reasons="Fine."
        )
    reported_item(org, url=item.url)  # another report on a post judged harmless
    with organization_scope(org):
        item.refresh_from_db()
        assert item.state == ReviewItem.State.RESOLVED
        assert item.reports.count() == 2
    # a rule match on a resolved post reopens it with the new reason
    flagged = flagged_item(org)
    with organization_scope(org):
        services.item_decide(
            organization=org, actor=moderator, item=flagged, version=flagged.version, outcome="ignore", reasons="Ok."
        )
        post = Post.objects.select_related("account").get(organization=org, pk=flagged.post_id)
    ensure_rule(org, name="Profanity", pattern="damn", category="profanity", severity="low")
    edited = pulled(
        "Our launch date leak is out, damn", external_id=post.external_id, url=post.url, edited_at=timezone.now()
    )
    ingest(org, post.account, edited)
    with organization_scope(org):
        services.items_from_posts(organization=org, post_ids=[post.pk])
        flagged.refresh_from_db()
        assert flagged.state == ReviewItem.State.REOPENED
        assert flagged.reopen_count == 1
        assert ItemEvent.objects.filter(organization=org, item=flagged, kind="reopened").exists()
        assert ReviewItem.objects.filter(organization=org, post_id=post.pk).count() == 1


def test_priority_rises_with_negative_sentiment_and_several_reports():
    rule = ItemSignal(source="rule", severity="medium", rule_name="R", matched_text="x", reason="r")
    negative = ItemSignal(source="sentiment", sentiment=-0.8, reason="Negative sentiment (-0.80) together with a rule")
    assert compute_priority([rule])[0] == Priority.MEDIUM
    priority, reasons, _score = compute_priority([rule, negative])
    assert priority == Priority.HIGH and reasons[-1].startswith("Negative sentiment")
    reports = [ItemSignal(source="report", rule_category="other", reason=f"Report {i}") for i in range(3)]
    assert compute_priority(reports)[0] == Priority.HIGH
    assert compute_priority([ItemSignal(source="virality", reason="v")])[0] == Priority.CRITICAL


def test_the_random_sample_is_deterministic_and_respects_the_percentage(org):
    MonitoringSettingsFactory(organization=org, sample_percent=100)
    user = member(org)
    posts = ingest(org, account_of(org, user), pulled("A lovely day at work"), pulled("Proud of the team"))
    with organization_scope(org):
        services.items_from_posts(organization=org, post_ids=[p.pk for p in posts])
        items = ReviewItem.objects.filter(organization=org)
        assert items.count() == 2
        assert all(i.sources == ["sample"] and i.priority == Priority.LOW for i in items)
        MonitoringSettings.objects.filter(organization=org).update(sample_percent=0)
        more = ingest(org, account_of(org, user), pulled("Another nice post"))
        services.items_from_posts(organization=org, post_ids=[more[0].pk])
        assert ReviewItem.objects.filter(organization=org).count() == 2


def _snapshot(org, post, run, likes, at):
    with organization_scope(org):
        return EngagementSnapshot.objects.create(
            organization=org, post=post, run=run, taken_at=at, day=at.date(), likes=likes
        )


def test_virality_flags_a_flagged_post_growing_past_the_threshold_and_tells_incidents(
    org, django_capture_on_commit_callbacks
):
    MonitoringSettingsFactory(organization=org, virality_threshold=50, sample_percent=0)
    item = flagged_item(org, severity="low")
    heard = []

    def listener(sender, organization, item_id, post_id, growth, **kwargs):
        heard.append((organization.pk, item_id, post_id, growth))

    signals.item_went_viral.connect(listener)
    try:
        with organization_scope(org):
            post = Post.objects.get(organization=org, pk=item.post_id)
            EngagementSnapshot.objects.filter(organization=org, post=post).delete()
        now = timezone.now()
        run1, run2 = PullRunFactory(organization=org), PullRunFactory(organization=org)
        _snapshot(org, post, run1, 10, now - timedelta(minutes=10))
        _snapshot(org, post, run2, 90, now)
        with organization_scope(org):
            with django_capture_on_commit_callbacks(execute=True):
                services.items_from_engagement(organization=org, post_ids=[post.pk], run_id=run2.pk)
            item.refresh_from_db()
            assert item.priority == Priority.CRITICAL
            assert "virality" in item.sources and item.viral_at
            assert item.snapshot["engagement"][-1]["likes"] == 90
            # the same run again: nothing new
            services.items_from_engagement(organization=org, post_ids=[post.pk], run_id=run2.pk)
            assert ItemSignal.objects.filter(organization=org, item=item, source="virality").count() == 1
    finally:
        signals.item_went_viral.disconnect(listener)
    assert heard == [(org.pk, item.pk, post.pk, 80)]


def test_growth_of_a_harmless_post_is_not_virality(org):
    MonitoringSettingsFactory(organization=org, virality_threshold=5, sample_percent=0)
    post = ingest(org, account_of(org, member(org)), pulled("A lovely day at work"))[0]
    now = timezone.now()
    _snapshot(org, post, PullRunFactory(organization=org), 1, now - timedelta(minutes=5))
    run = PullRunFactory(organization=org)
    _snapshot(org, post, run, 500, now)
    with organization_scope(org):
        assert services.items_from_engagement(organization=org, post_ids=[post.pk], run_id=run.pk) == []
        assert not ReviewItem.objects.filter(organization=org).exists()


def test_the_intake_signal_creates_items_through_the_receiver(org, django_capture_on_commit_callbacks):
    ensure_rule(org)
    user = member(org)
    with django_capture_on_commit_callbacks(execute=True):
        post = ingest(org, account_of(org, user), pulled("Our leak"))[0]
    with organization_scope(org):
        assert ReviewItem.objects.filter(organization=org, post=post).count() == 1


def test_items_in_bulk_take_the_same_queries_for_one_or_many_posts(org):
    ensure_rule(org)
    user = member(org, Role.EMPLOYEE)
    account = account_of(org, user)
    one = ingest(org, account, pulled("leak one"))
    many = ingest(org, account, *[pulled(f"leak number {i}") for i in range(30)])
    with organization_scope(org):
        with CaptureQueriesContext(connection) as small:
            services.items_from_posts(organization=org, post_ids=[p.pk for p in one])
        with CaptureQueriesContext(connection) as large:
            services.items_from_posts(organization=org, post_ids=[p.pk for p in many])
        assert len(large) <= len(small)
        assert ReviewItem.objects.filter(organization=org).count() == 31
