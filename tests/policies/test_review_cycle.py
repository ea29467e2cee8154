"""The policy review cycle (issue #15): recording a periodic review (service and page), who may review,
single-HR organizations, reminders before a review is due."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from advocacy.audit.models import AuditEvent
from advocacy.tenancy.context import organization_scope
from policies import selectors, services
from policies.models import Policy, PolicyReview, PolicyVersion
from policies.services.common import add_months

from .factories import make_policy, published_policy

pytestmark = pytest.mark.django_db


def url(org, tail=""):
    return f"/o/{org.slug}/policies/{tail}"


def reviews_of(org, policy):
    with organization_scope(org):
        return list(PolicyReview.objects.filter(policy=policy).order_by("id"))


def overdue_policy(org, hr):
    """A published policy whose review date passed a month ago."""
    policy, version = published_policy(org, actor=hr)
    with organization_scope(org):
        Policy.objects.filter(pk=policy.pk).update(review_due_on=timezone.localdate() - timedelta(days=30))
        policy.refresh_from_db()
    return policy, version


# --- the service ---------------------------------------------------------------------------------------------


def test_recording_a_review_sets_the_next_date_a_year_ahead_and_is_audited(org, hr):
    policy, version = overdue_policy(org, hr)
    was_due = policy.review_due_on
    with organization_scope(org):
        review = services.policy_review_record(
            organization=org, actor=hr, policy=policy, notes="Checked against the new disclosure rules."
        )
        policy.refresh_from_db()
        assert review.outcome == PolicyReview.Outcome.NO_CHANGE
        assert review.reviewed_by == hr and review.reviewed_version_id == version.pk
        assert review.new_version is None
        assert review.previous_due_on == was_due
        assert review.next_review_on == add_months(timezone.localdate(), 12) == policy.review_due_on
        assert not selectors.is_review_overdue(policy)
        event = AuditEvent.objects.get(action="policy.reviewed")
        assert event.actor == hr and event.target_id == str(policy.pk)
        assert event.data["next_review_on"] == str(review.next_review_on)
        assert event.data["notes"] == "Checked against the new disclosure rules."


def test_a_review_that_needs_changes_starts_a_draft_or_links_the_one_in_progress(org, hr):
    policy, version = overdue_policy(org, hr)
    chosen = timezone.localdate() + timedelta(days=90)
    with organization_scope(org):
        first = services.policy_review_record(
            organization=org,
            actor=hr,
            policy=policy,
            notes="The AI rule is missing.",
            next_review_on=chosen,
            start_new_version=True,
        )
        draft = selectors.open_draft(organization=org, policy=policy)
        assert first.outcome == PolicyReview.Outcome.NEW_VERSION and first.new_version_id == draft.pk
        assert draft.body_markdown == version.body_markdown  # from the text in force
        policy.refresh_from_db()
        assert policy.review_due_on == chosen
        second = services.policy_review_record(
            organization=org, actor=hr, policy=policy, notes="Still missing.", start_new_version=True
        )
        assert second.new_version_id == draft.pk  # the draft in progress, not a second one
        assert PolicyVersion.objects.filter(policy=policy, status__in=PolicyVersion.OPEN).count() == 1
        assert [r.pk for r in selectors.policy_reviews(organization=org, policy=policy)] == [second.pk, first.pk]


def test_every_problem_with_a_review_is_reported_at_once_and_nothing_changes(org, hr):
    policy, _ = overdue_policy(org, hr)
    was_due = policy.review_due_on
    with organization_scope(org):
        Policy.objects.filter(pk=policy.pk).update(status=Policy.Status.ARCHIVED)
        with pytest.raises(ValidationError) as caught:
            services.policy_review_record(
                organization=org, actor=hr, policy=policy, notes="  ", next_review_on=timezone.localdate()
            )
        errors = caught.value.message_dict
        assert set(errors) == {"notes", "next_review_on", "__all__"}
        assert "archived" in errors["__all__"][0]
        policy.refresh_from_db()
        assert policy.review_due_on == was_due
        assert not PolicyReview.objects.exists()
        assert not AuditEvent.objects.filter(action="policy.reviewed").exists()


def test_a_policy_never_published_cannot_be_reviewed_and_far_dates_are_refused(org, hr):
    policy = make_policy(org, actor=hr)
    with organization_scope(org):
        with pytest.raises(ValidationError, match="Publish the policy first"):
            services.policy_review_record(organization=org, actor=hr, policy=policy, notes="Fine.")
    errors = services.review_errors(notes="Fine.", next_review_on=timezone.localdate() + timedelta(days=6 * 366))
    assert errors == {"next_review_on": ["Choose a next review date within five years."]}


# --- the page ------------------------------------------------------------------------------------------------


def test_hr_marks_a_policy_reviewed_from_its_page_and_the_badge_clears(org, hr, client_for):
    policy, _ = overdue_policy(org, hr)
    client = client_for(hr)
    page = client.get(url(org, f"{policy.pk}/manage/"))
    assert page.status_code == 200
    assert b"Review overdue" in page.content and b"Mark reviewed" in page.content
    assert b"No review recorded yet." in page.content
    chosen = timezone.localdate() + timedelta(days=200)
    response = client.post(
        url(org, f"{policy.pk}/reviewed/"),
        {"notes": "Checked <b>everything</b>.", "outcome": "no_change", "next_review_on": chosen.isoformat()},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/{policy.pk}/manage/")
    page = client.get(response["Location"])
    assert b"Review overdue" not in page.content
    assert b"Review recorded. The next review is on" in page.content
    assert chosen.strftime("%-d %b %Y").encode() in page.content
    assert b"Checked &lt;b&gt;everything&lt;/b&gt;." in page.content  # the history, escaped
    assert b"Review overdue" not in client.get(url(org)).content  # the list's badge too
    [review] = reviews_of(org, policy)
    assert review.next_review_on == chosen


def test_needs_changes_takes_hr_to_the_new_draft(org, hr, client_for):
    policy, _ = overdue_policy(org, hr)
    response = client_for(hr).post(
        url(org, f"{policy.pk}/reviewed/"), {"notes": "Update the press contact.", "outcome": "new_version"}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/{policy.pk}/draft/")
    [review] = reviews_of(org, policy)
    assert review.new_version_id is not None


def test_the_page_shows_every_error_at_once_and_keeps_what_was_typed(org, hr, client_for):
    policy, _ = overdue_policy(org, hr)
    client = client_for(hr)
    response = client.post(
        url(org, f"{policy.pk}/reviewed/"),
        {"notes": "", "outcome": "new_version", "next_review_on": "next spring"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Say what you checked and what you found" in body
    assert "Enter the next review date as a date" in body
    assert 'value="next spring"' in body
    assert re.search(r'value="new_version"[^>]*checked', body)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        url(org, f"{policy.pk}/reviewed/"), {"notes": "Long and careful notes.", "next_review_on": past}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "The next review date must be in the future." in body
    assert "Say whether the policy is still right or needs a new version." in body
    assert "Long and careful notes." in body
    assert reviews_of(org, policy) == []


def test_employees_and_moderators_get_403_and_nothing_changes(org, hr, employee, moderator, client_for):
    policy, _ = overdue_policy(org, hr)
    for user in (employee, moderator):
        response = client_for(user).post(url(org, f"{policy.pk}/reviewed/"), {"notes": "Fine.", "outcome": "no_change"})
        assert response.status_code == 403
    assert reviews_of(org, policy) == []
    with organization_scope(org):
        assert Policy.objects.get(pk=policy.pk).review_due_on == policy.review_due_on


def test_another_organizations_policy_is_404_and_unchanged(org, other_org, hr, other_admin, client_for):
    from advocacy.permissions import Role
    from tests.factories import MembershipFactory

    policy, _ = overdue_policy(org, hr)
    other_hr = MembershipFactory(organization=other_org, roles=[Role.HR, Role.ADMIN]).user
    client = client_for(other_hr)
    for slug in (org.slug, other_org.slug):
        response = client.post(
            f"/o/{slug}/policies/{policy.pk}/reviewed/", {"notes": "Mine now.", "outcome": "no_change"}
        )
        assert response.status_code == 404
    assert reviews_of(org, policy) == []


# --- single-HR organizations: an admin reviews, or review is switched off -------------------------------------


def test_an_admin_reviews_a_draft_so_a_single_hr_member_can_publish(org, hr, admin, client_for):
    policy = make_policy(org, actor=hr)
    with organization_scope(org):
        services.policy_settings_update(
            organization=org, actor=hr, require_ack_to_share=False, reminder_days=7, require_review=True
        )
        draft = selectors.open_draft(organization=org, policy=policy)
        assert list(selectors.reviewer_users(organization=org, exclude_user=hr)) == [admin]
    client = client_for(hr)
    page = client.get(url(org, f"{policy.pk}/draft/"))
    assert b"Reviewers are HR members and admins who did not write this draft." in page.content
    assert b"This organization requires an approval before publishing." in page.content
    response = client.post(url(org, f"{policy.pk}/draft/submit/"), {"reviewer": admin.pk, "comment": "Please check."})
    assert response.status_code == 302
    with organization_scope(org):
        from advocacy.core.models import OutgoingMail

        [mail] = OutgoingMail.objects.filter(to=admin.email)
        assert f"/{policy.pk}/draft/read/" in mail.body  # an admin reads the draft, the editor is HR's

    client = client_for(admin)
    manage = client.get(url(org, f"{policy.pk}/manage/"))
    assert manage.status_code == 200
    assert b"Review the draft" in manage.content
    assert b"New version" not in manage.content and b"Archive policy" not in manage.content
    read = client.get(url(org, f"{policy.pk}/draft/read/"))
    assert read.status_code == 200 and b"Share our news responsibly." in read.content
    assert b"Approve" in read.content
    response = client.post(url(org, f"{policy.pk}/draft/review/"), {"decision": "approve", "comment": "Good."})
    assert response.status_code == 302 and response["Location"].endswith(f"/{policy.pk}/draft/read/")
    assert b"Approved by" in client.get(response["Location"]).content

    client = client_for(hr)
    response = client.post(url(org, f"{policy.pk}/draft/publish/"), {"change_kind": "material"})
    assert response.status_code == 302
    with organization_scope(org):
        draft.refresh_from_db()
        assert draft.status == PolicyVersion.Status.PUBLISHED and draft.approved_by == admin


def test_an_hr_author_is_taken_to_the_editor_and_employees_get_403(org, hr, employee, client_for):
    policy = make_policy(org, actor=hr)
    response = client_for(hr).get(url(org, f"{policy.pk}/draft/read/"))
    assert response.status_code == 302 and response["Location"].endswith(f"/{policy.pk}/draft/")
    assert client_for(employee).get(url(org, f"{policy.pk}/draft/read/")).status_code == 403
    assert client_for(employee).get(url(org, f"{policy.pk}/manage/")).status_code == 403


def test_with_nobody_to_review_the_page_says_who_can_and_where_to_switch_review_off(org, hr, client_for):
    policy = make_policy(org, actor=hr)
    with organization_scope(org):
        services.policy_settings_update(
            organization=org, actor=hr, require_ack_to_share=False, reminder_days=7, require_review=True
        )
    page = client_for(hr).get(url(org, f"{policy.pk}/draft/")).content.decode()
    assert "Nobody else can review this draft yet." in page
    assert "Reviewers are HR members and admins who did not write the draft." in page
    assert f'href="/o/{org.slug}/policies/settings/"' in page and "switch review off" in page
    assert "Send for review" not in page


def test_switching_review_off_is_recorded_in_the_audit_log(org, hr, client_for):
    client = client_for(hr)
    data = {"reminder_days": 7}
    assert client.post(url(org, "settings/"), {**data, "require_review": "on"}).status_code == 302
    assert client.post(url(org, "settings/"), data).status_code == 302
    with organization_scope(org):
        actions = list(
            AuditEvent.objects.filter(action__startswith="policy.review_").order_by("id").values_list("action", "actor")
        )
    assert actions == [("policy.review_required", hr.pk), ("policy.review_switched_off", hr.pk)]
    policy = make_policy(org, actor=hr)
    with organization_scope(org):
        draft = selectors.open_draft(organization=org, policy=policy)
        services.version_publish(organization=org, actor=hr, version=draft, change_kind="material")
        assert selectors.open_draft(organization=org, policy=policy) is None


def test_the_demo_has_a_second_hr_member_to_review(settings):
    from django.core.management import call_command

    from advocacy.tenancy.models import Organization

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", verbosity=0)
    acme = Organization.objects.get(slug="acme")
    with organization_scope(acme):
        hr = selectors.hr_reviewers(organization=acme).get(user__email="hr@acme.example").user
        reviewers = {u.email for u in selectors.reviewer_users(organization=acme, exclude_user=hr)}
    assert "hr2@acme.example" in reviewers


# --- reminders before a review is due ------------------------------------------------------------------------


def review_mails():
    from django.core import mail

    return [m for m in mail.outbox if m.subject.startswith("Review coming up")]


def run_review_reminders(org, today):
    with organization_scope(org):
        return services.review_reminders_run(organization=org, today=today)


def test_the_owner_is_reminded_once_before_the_review_is_due(org, hr, django_capture_on_commit_callbacks):
    from django.core import mail

    policy, _ = published_policy(org, actor=hr)
    due = policy.review_due_on
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert run_review_reminders(org, due - timedelta(days=20)) == 0  # too early
        assert run_review_reminders(org, due - timedelta(days=14)) == 1
        assert run_review_reminders(org, due - timedelta(days=13)) == 0  # once per review date
        assert run_review_reminders(org, due) == 0  # on the day: the daily reminders' "Review due" instead
    [sent] = review_mails()
    assert sent.to == [hr.email]
    assert f"due for its review on {due:%d %B %Y} (in 14 days)" in sent.body
    assert f"/o/{org.slug}/policies/{policy.pk}/manage/" in sent.body

    # a review moves the date: the owner hears of the next one, once, when it comes near
    with organization_scope(org):
        review = services.policy_review_record(organization=org, actor=hr, policy=policy, notes="Fine.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert run_review_reminders(org, review.next_review_on - timedelta(days=3)) == 1
        assert run_review_reminders(org, review.next_review_on - timedelta(days=2)) == 0
    assert [m.to for m in review_mails()] == [[hr.email]]


def test_without_an_active_owner_every_hr_member_is_reminded(org, hr, employee, django_capture_on_commit_callbacks):
    from django.core import mail

    from policies.models import PolicyVersion

    policy, _ = published_policy(org, actor=hr)
    archived, _ = published_policy(org, actor=hr, title="Old rules")
    with organization_scope(org):
        Policy.objects.filter(pk=policy.pk).update(owner=None)
        Policy.objects.filter(pk=archived.pk).update(status=Policy.Status.ARCHIVED)
        # every HR member: hr and the colleagues who published the two policies
        publishers = set(PolicyVersion.objects.values_list("published_by__email", flat=True))
    hr_members = sorted({hr.email, *publishers} - {None})
    assert len(hr_members) == 3
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert run_review_reminders(org, policy.review_due_on - timedelta(days=7)) == 3
    assert sorted(m.to[0] for m in review_mails()) == hr_members
    assert all("Old rules" not in m.subject for m in review_mails())


def test_the_reminders_run_daily_from_the_app_registration(org, hr, django_capture_on_commit_callbacks):
    from django.core import mail

    from advocacy.core import registry
    from policies.tasks import send_review_reminders

    entry = registry.beat_schedule()["policies-review-reminders"]
    assert entry["task"] == "policies.tasks.send_review_reminders_all"
    policy, _ = published_policy(org, actor=hr)
    with organization_scope(org):
        Policy.objects.filter(pk=policy.pk).update(review_due_on=timezone.localdate() + timedelta(days=10))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_review_reminders(org.pk) == 1
        assert send_review_reminders(org.pk) == 0
    assert [m.to for m in review_mails()] == [[hr.email]]
