"""The timeline fills itself: the virality trigger of the review queue opens an incident (end to end, from a
pull of the intake), the engagement snapshots of the linked post arrive from later pulls, decisions and events
on the linked item appear, and replays add nothing."""

import pytest

from advocacy.tenancy.context import organization_scope
from monitoring.incidents.models import Incident, TimelineEntry
from monitoring.incidents.services import receivers
from monitoring.models import Post
from monitoring.review.signals import item_decided, item_event
from tests.monitoring.factories import MonitoringSettingsFactory, PullRunFactory, pulled
from tests.monitoring_review.factories import flagged_item

from .factories import incident, plan

pytestmark = pytest.mark.django_db


def _pull_again(org, post, likes, captured):
    """The same post pulled again by the intake with more engagement (its signals delivered after commit)."""
    from monitoring.services.intake import posts_ingest

    run = PullRunFactory(organization=org, account=post.account)
    again = pulled(post.text, external_id=post.external_id, url=post.url, likes=likes, reposts=likes // 4)
    with captured(execute=True), organization_scope(org):
        posts_ingest(organization=org, account=post.account, run=run, pulled=[again])
    return run


def _timeline(org, inc):
    with organization_scope(org):
        return list(TimelineEntry.objects.filter(incident=inc).order_by("at", "id").values_list("kind", "text"))


def test_a_flagged_post_going_viral_opens_an_incident_and_later_pulls_fill_its_timeline(
    org, hr, django_capture_on_commit_callbacks
):
    MonitoringSettingsFactory(organization=org, virality_threshold=50, sample_percent=0)
    plan(org, hr)
    item = flagged_item(org, text="The Project Falcon leak is out")
    with organization_scope(org):
        post = Post.objects.select_related("account").get(pk=item.post_id)
    _pull_again(org, post, 200, django_capture_on_commit_callbacks)
    with organization_scope(org):
        inc = Incident.objects.get()
    assert (inc.source, inc.severity, inc.state, inc.review_item_id, inc.post_id) == (
        "virality", "high", "open", item.pk, post.pk,
    )  # fmt: skip
    assert inc.title.startswith("Going viral: The Project Falcon leak is out")
    kinds = [k for k, _ in _timeline(org, inc)]
    assert "declared" in kinds and "engagement" in kinds and "message" in kinds
    # a later pull: its snapshot joins the timeline with the growth; the same trigger again opens nothing new
    _pull_again(org, post, 600, django_capture_on_commit_callbacks)
    lines = _timeline(org, inc)
    engagement = [t for k, t in lines if k == "engagement"]
    assert engagement[-1].startswith("600 likes, 150 reposts") and "(+500 since the previous pull)" in engagement[-1]
    assert any(k == "item" and t.startswith("Engagement grew by 500") for k, t in lines)  # the queue's event
    with organization_scope(org):
        assert Incident.objects.count() == 1


def test_replaying_a_pull_adds_no_timeline_line(org, moderator):
    from tests.monitoring.url_kwargs import post as make_post

    post_id = make_post(org)
    inc = incident(org, moderator, post_id=post_id)
    with organization_scope(org):
        from monitoring.models import EngagementSnapshot

        run_id = EngagementSnapshot.objects.get(post_id=post_id).run_id
    before = len(_timeline(org, inc))
    assert before == 3  # declared, the snapshot it started from, the email
    receivers.engagement_recorded(organization=org, post_ids=[post_id], run_id=run_id)
    receivers.engagement_recorded(organization=org, post_ids=[post_id], run_id=run_id)
    assert len(_timeline(org, inc)) == before


def test_decisions_and_events_on_the_linked_item_join_the_timeline_once(org, moderator):
    item = flagged_item(org)
    inc = incident(org, moderator, item_id=item.pk)
    assert inc.source == "item" and inc.post_id == item.post_id
    for _ in range(2):
        item_decided.send(sender=None, organization=org, item_id=item.pk, decision_id=7, outcome="violation",
                          text="Violation: warning — Social media policy § 3")  # fmt: skip
    item_event.send(sender=None, organization=org, item_id=item.pk, kind="escalated", text="Escalated to legal")
    lines = _timeline(org, inc)
    assert lines.count(("decision", "Violation: warning — Social media policy § 3")) == 1
    assert ("item", "Escalated to legal") in lines


def test_a_broken_signal_never_breaks_the_sender(org):
    receivers.on_item_went_viral(sender=None, organization=org, item_id=999999, growth=10)  # no such item: logged
    with organization_scope(org):
        assert not Incident.objects.exists()
