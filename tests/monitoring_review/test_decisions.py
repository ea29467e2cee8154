"""Transitions, the concurrent decision (two database connections), each consequence and its reversal on
appeal, the share gate, reports with anonymity, and rule precision."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from advocacy.core.models import OutgoingMail
from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from content_library.services import share_gate
from monitoring.models import Post
from monitoring.review import selectors, services
from monitoring.review.models import Appeal, Consequence, ItemEvent, ReviewItem
from tests.monitoring.factories import pulled
from tests.monitoring_review.factories import (
    appeal,
    flagged_item,
    ingest,
    member,
    reported_item,
    violation,
)

pytestmark = pytest.mark.django_db


def test_transitions_live_on_the_model_and_refuse_what_the_state_does_not_allow(org):
    item = ReviewItem(organization=org, target_key="x", due_at=timezone.now())
    with pytest.raises(TransitionNotAllowed):
        item.reopen()
    item.resolve("no_violation", None, timezone.now())
    with pytest.raises(TransitionNotAllowed):
        item.claim(None, timezone.now())
    item.reopen()
    assert item.state == "reopened" and item.reopen_count == 1


def test_claim_expires_after_inactivity_and_others_are_told_who_holds_it(org, moderator):
    other = member(org, Role.MODERATOR)
    item = reported_item(org)
    with organization_scope(org):
        services.item_claim(organization=org, actor=moderator, item=item)
        with pytest.raises(services.ItemChanged, match="is working on this item"):
            services.item_claim(organization=org, actor=other, item=item)
        # half an hour without activity: the claim has lapsed and another moderator may take the item
        ReviewItem.objects.filter(pk=item.pk).update(last_activity_at=timezone.now() - timedelta(minutes=31))
        taken = services.item_claim(organization=org, actor=other, item=item)
        assert taken.assignee_id == other.pk
        kinds = list(ItemEvent.objects.filter(organization=org, item=item).values_list("kind", flat=True))
        assert kinds.count("claimed") == 2


def test_assign_and_escalate_to_the_named_legal_contact(org, moderator, admin):
    from monitoring.review.models import ReviewSettings

    item = reported_item(org)
    with organization_scope(org):
        services.item_assign(organization=org, actor=admin, item=item, assignee_id=moderator.pk)
        item.refresh_from_db()
        assert (item.state, item.assignee_id) == ("claimed", moderator.pk)
        with pytest.raises(ValidationError) as refused:
            services.item_assign(organization=org, actor=moderator, item=item, assignee_id=member(org).pk)
        assert "assignee" in refused.value.message_dict
        with pytest.raises(ValidationError, match="legal contact"):
            services.item_escalate(organization=org, actor=moderator, item=item, to="legal")
        ReviewSettings.objects.create(
            organization=org, legal_contact_name="Dana Law", legal_contact_email="dana@law.example"
        )
        services.item_escalate(organization=org, actor=moderator, item=item, to="legal", note="Possible defamation")
        item.refresh_from_db()
        assert (item.state, item.escalation_contact) == ("escalated", "Dana Law")
        assert OutgoingMail.objects.filter(organization=org, to="dana@law.example").exists()


def _decide(org, actor, item, version, outcome="no_violation"):
    return services.item_decide(
        organization=org, actor=actor, item=item, version=version, outcome=outcome, reasons="Reviewed."
    )


@pytest.mark.django_db(transaction=True)
def test_two_moderators_deciding_at_once_one_wins_and_the_other_is_told_who(org, moderator):
    other = member(org, Role.MODERATOR)
    item = reported_item(org)
    version = item.version
    barrier = threading.Barrier(2)
    results = {}

    def decide(actor):
        try:
            with organization_scope(org):
                barrier.wait(timeout=10)
                results[actor.pk] = _decide(org, actor, item, version)
        except Exception as exc:  # noqa: BLE001 - the loser's error is the point of the test
            results[actor.pk] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(who,)) for who in (moderator, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [r for r in results.values() if not isinstance(r, Exception)]
    lost = [r for r in results.values() if isinstance(r, Exception)]
    assert len(won) == 1 and len(lost) == 1
    assert isinstance(lost[0], services.ItemChanged)
    winner = won[0].decided_by
    assert f"{winner.display_name} already decided this item" in lost[0].messages[0]
    with organization_scope(org):
        assert ReviewItem.objects.get(pk=item.pk).decisions.count() == 1


def test_a_stale_form_is_refused_with_who_decided(org, moderator):
    other = member(org, Role.MODERATOR)
    item = reported_item(org)
    with organization_scope(org):
        _decide(org, moderator, item, item.version)
        with pytest.raises(services.ItemChanged, match=moderator.display_name):
            _decide(org, other, item, item.version)


def test_a_violation_needs_policy_section_reasons_and_consequences_all_errors_at_once(org, moderator):
    item = flagged_item(org)
    with organization_scope(org):
        with pytest.raises(ValidationError) as refused:
            services.item_decide(
                organization=org, actor=moderator, item=item, version=item.version, outcome="violation", reasons=""
            )
        assert set(refused.value.message_dict) == {"reasons", "policy", "policy_section", "consequences"}
        item.refresh_from_db()
        assert item.state == "open" and not item.decisions.exists()


def test_each_consequence_applies_and_an_overturn_reverses_it(org, moderator, hr, django_capture_on_commit_callbacks):
    from policies.models import Course

    user = member(org)
    item = flagged_item(org, user=user)
    with organization_scope(org):
        course = Course.objects.create(organization=org, title="Social media at work")
    consequences = [
        services.ConsequenceInput("coaching", note="Check dates with comms first."),
        services.ConsequenceInput("delete_request", days=2),
        services.ConsequenceInput("warning"),
        services.ConsequenceInput("suspension", days=7),
        services.ConsequenceInput("hr_referral"),
    ]
    decision = violation(org, item=item, moderator=moderator, consequences=consequences)
    with organization_scope(org):
        kinds = {c.kind: c for c in decision.consequences.all()}
        assert set(kinds) == {"coaching", "delete_request", "warning", "suspension", "hr_referral"}
        assert kinds["suspension"].ends_at - kinds["suspension"].starts_at == timedelta(days=7)
        gate = share_gate(org, user)
        assert not gate.allowed and "suspended" in gate.reason and gate.url.endswith("/monitoring/my-record/")
        assert OutgoingMail.objects.filter(organization=org, to=user.email, subject__icontains="decision").exists()
        assert OutgoingMail.objects.filter(organization=org, to=hr.email).exists()  # the HR referral
        record = selectors.member_record(organization=org, user=user)
        assert record.strikes == 1 and record.suspension and len(record.open_tasks) == 1
        # the training course needs a published version: refused with the others' errors untouched
        with pytest.raises(ValidationError, match="training course"):
            services.item_decide(
                organization=org,
                actor=moderator,
                item=flagged_item(org, user=user, text="another leak"),
                version=1,
                outcome="violation",
                reasons="r",
                policy_id=decision.policy_id,
                policy_section="§ 3",
                consequences=[services.ConsequenceInput("training", course_id=course.pk)],
            )
    the_appeal = appeal(org, decision)
    with organization_scope(org):
        with pytest.raises(ValidationError, match="once"):
            services.appeal_submit(organization=org, actor=user, decision=decision, text="Again")
        with pytest.raises(ValidationError, match="other than the moderator"):
            services.appeal_decide(organization=org, actor=moderator, appeal=the_appeal, overturn=True, response="No")
        services.appeal_decide(organization=org, actor=hr, appeal=the_appeal, overturn=True, response="It was public.")
        statuses = dict(Consequence.objects.filter(decision=decision).values_list("kind", "status"))
        assert set(statuses.values()) == {"overruled"}  # every row kept, marked overruled (the strike too)
        assert share_gate(org, user).allowed
        assert selectors.member_record(organization=org, user=user).strikes == 0
        item.refresh_from_db()
        assert item.outcome == "no_violation"
        assert Appeal.objects.get(pk=the_appeal.pk).state == "overturned"
        with pytest.raises(ValidationError, match="already decided"):
            services.appeal_decide(organization=org, actor=hr, appeal=the_appeal, overturn=False, response="x")


def test_a_delete_request_is_checked_at_the_next_pull_and_missed_after_the_deadline(org, moderator):
    user = member(org)
    item = flagged_item(org, user=user)
    decision = violation(org, item=item, consequences=[services.ConsequenceInput("edit_request", days=3)])
    with organization_scope(org):
        post = Post.objects.select_related("account").get(pk=item.post_id)
    # the member edits the post; the next pull sees it
    edited = pulled("Our launch is coming", external_id=post.external_id, url=post.url, edited_at=timezone.now())
    ingest(org, post.account, edited)
    with organization_scope(org):
        services.items_from_posts(organization=org, post_ids=[post.pk])
        task = decision.consequences.get()
        assert task.status == "done" and task.fulfilled_at
    other = violation(org, consequences=[services.ConsequenceInput("delete_request", days=1)])
    with organization_scope(org):
        later = timezone.now() + timedelta(days=2)
        assert services.consequences_expire(organization=org, now=later)["missed"] == 1
        assert other.consequences.get().status == "missed"


def test_appeals_close_after_14_days_and_only_the_member_may_appeal(org):
    decision = violation(org)
    with organization_scope(org):
        with pytest.raises(ValidationError, match="Only the member"):
            services.appeal_submit(organization=org, actor=member(org), decision=decision, text="Mine")
        decision.appeal_until = timezone.now() - timedelta(seconds=1)
        decision.save()
        with pytest.raises(ValidationError, match="no longer"):
            services.appeal_submit(organization=org, actor=decision.member, decision=decision, text="Late")


def test_a_violation_takes_back_the_points_and_an_overturn_restores_them(org, moderator, hr):
    from recognition.models import PointsEntry

    decision = violation(org, moderator=moderator)
    with organization_scope(org):
        # points_reverse_for_source was called: the audit log says so even when the post earned nothing yet
        reversed_ = PointsEntry.objects.filter(organization=org, kind="reversal").count()
    the_appeal = appeal(org, decision)
    with organization_scope(org):
        services.appeal_decide(organization=org, actor=hr, appeal=the_appeal, overturn=False, response="Stands.")
        assert Consequence.objects.get(decision=decision).status == "active"
        assert PointsEntry.objects.filter(organization=org, kind="reversal").count() == reversed_


def test_reports_hide_an_anonymous_reporter_and_show_the_outcome_without_details(org, moderator):
    reporter = member(org)
    with organization_scope(org):
        with pytest.raises(ValidationError) as refused:
            services.report_submit(organization=org, actor=reporter, url="not a link", category="", description="")
        assert set(refused.value.message_dict) == {"url", "category", "description"}
        report = services.report_submit(
            organization=org,
            actor=reporter,
            url="https://social.example/@x/9",
            category="harassment",
            description="Insults.",
            anonymous=True,
        )
        item = report.item
        assert item.priority == 3  # harassment reports are high
        detail = selectors.item_detail(organization=org, item=item)
        assert [r.anonymous for r in detail.reports] == [True]
        assert not ItemEvent.objects.filter(organization=org, item=item, actor=reporter).exists()
        assert selectors.report_outcome(report) == "review"
        services.item_decide(
            organization=org, actor=moderator, item=item, version=item.version, outcome="ignore", reasons="Banter."
        )
        report.refresh_from_db()
        assert selectors.report_outcome(report) == "no_action"
        assert OutgoingMail.objects.filter(organization=org, to=reporter.email, subject__icontains="report").exists()


def test_rule_precision_over_90_days_highlights_rules_below_the_threshold(org, moderator):
    items = [flagged_item(org, text=f"leak {i}") for i in range(4)]
    violation(org, item=items[0], moderator=moderator)
    with organization_scope(org):
        for item in items[1:3]:
            item.refresh_from_db()
            _decide(org, moderator, item, item.version)
        (row,) = selectors.rule_precision(organization=org)
        assert (row.flagged, row.decided, row.violations, row.percent) == (4, 3, 1, 33)
        assert not row.below  # the default threshold is 30 %
        from monitoring.review.models import ReviewSettings

        ReviewSettings.objects.create(organization=org, precision_threshold=50)
        assert selectors.rule_precision_by_rule(organization=org)[row.rule_id].below
