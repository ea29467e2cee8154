"""The response plan: edited in one form (every error of the plan and its lists at once, nothing saved until
all is right, what was typed kept), each save a version, audited; read by those who manage incidents; marked
reviewed; its owner reminded once per due date."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from advocacy.audit.models import AuditEvent
from advocacy.core.models import OutgoingMail
from advocacy.tenancy.context import organization_scope
from monitoring.incidents.models import PlanReviewReminder, PlanVersion, ResponsePlan
from monitoring.incidents.models.plan import add_months
from monitoring.incidents.services import plan as plan_services

from .factories import member, plan

pytestmark = pytest.mark.django_db

EDIT = "/o/{slug}/monitoring/incidents/plan/edit/"


def _management(prefix, total):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "50"}  # fmt: skip


def _post_data(owner_user, lead, deputy, **overrides):
    data = {
        "owner": str(owner_user.pk),
        "protocol": "## Who speaks\n\nOnly communications.<script>alert(1)</script>",
        "summary": "First version",
        **_management("roles", 2),
        "roles-0-name": "Incident lead", "roles-0-responder": str(lead.pk), "roles-0-deputy": str(deputy.pk),
        "roles-0-duties": "Runs the checklist",
        "roles-1-name": "", "roles-1-responder": "", "roles-1-deputy": "",
        **_management("contacts", 1),
        "contacts-0-name": "Lee Gal", "contacts-0-role": "Legal counsel", "contacts-0-email": "lee@law.example",
        "contacts-0-phone": "+44 20 7946 0000",
        **_management("statements", 1),
        "statements-0-title": "We are aware", "statements-0-text": "We are looking into it.",
        **_management("steps", 3),
        "steps-0-text": "Screenshot the post", "steps-1-text": "Call legal", "steps-2-text": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_the_plan_is_written_in_one_form_and_kept_as_a_version(org, hr, moderator, admin, client):
    lead, deputy = member(org, name="Lena Lead"), member(org, name="Dee Deputy")
    client.force_login(hr)
    assert client.get(EDIT.format(slug=org.slug)).status_code == 200
    response = client.post(EDIT.format(slug=org.slug), _post_data(hr, lead, deputy))
    assert response.status_code == 302
    with organization_scope(org):
        saved = ResponsePlan.objects.get()
        assert (saved.version, saved.owner_id) == (1, hr.pk)
        assert [(r.name, r.responder_id, r.deputy_id) for r in saved.roles.all()] == [
            ("Incident lead", lead.pk, deputy.pk)
        ]
        assert [s.text for s in saved.steps.all()] == ["Screenshot the post", "Call legal"]
        version = PlanVersion.objects.get()
        assert version.snapshot["roles"][0]["responder"] == "Lena Lead" and version.summary == "First version"
        assert AuditEvent.objects.unscoped().filter(organization=org, action="incident_plan.saved").count() == 1
    client.force_login(moderator)  # moderators read the plan
    page = client.get(f"/o/{org.slug}/monitoring/incidents/plan/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h3>Who speaks</h3>" in html and "<script>alert(1)" not in html  # Markdown rendered, cleaned by nh3
    assert "Lena Lead" in html and "Dee Deputy" in html and "We are looking into it." in html
    assert 'data-copy="#statement-' in html


def test_a_second_save_is_a_new_version_and_the_history_shows_both(org, hr, client):
    lead, deputy = member(org, name="Lena Lead"), member(org, name="Dee Deputy")
    client.force_login(hr)
    client.post(EDIT.format(slug=org.slug), _post_data(hr, lead, deputy))
    client.post(EDIT.format(slug=org.slug), _post_data(hr, deputy, lead, summary="Swapped lead and deputy"))
    with organization_scope(org):
        assert list(PlanVersion.objects.values_list("number", flat=True)) == [2, 1]
        assert ResponsePlan.objects.get().roles.get().responder_id == deputy.pk
    history = client.get(f"/o/{org.slug}/monitoring/incidents/plan/history/").content.decode()
    assert "Version 2" in history and "Version 1" in history and "Swapped lead and deputy" in history


def test_every_error_at_once_nothing_saved_and_what_was_typed_kept(org, hr, other_org, client):
    lead = member(org, name="Lena Lead")
    outsider = member(other_org, name="Otto Outsider")
    plan(org, hr)
    with organization_scope(org):
        before = plan_services.plan_snapshot(ResponsePlan.objects.get())
    client.force_login(hr)
    data = _post_data(
        hr, lead, lead,  # deputy = responder
        **{
            "roles-1-name": "Communications", "roles-1-responder": str(outsider.pk),  # not a member here
            "contacts-0-email": "", "contacts-0-phone": "",  # no way to reach them
            "statements-0-text": "",  # a statement without text
            "steps-0-text": "x" * 301,  # too long
            "owner": "999999",
        },
    )  # fmt: skip
    response = client.post(EDIT.format(slug=org.slug), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "The plan was not saved" in html
    for message in (
        "The deputy must be someone other than the responder.",
        "Select a valid choice.",
        "Give an email address or a phone number to reach them.",
        "This field is required.",
        "Ensure this value has at most 300 characters",
    ):
        assert message in html, message
    assert "Communications" in html and "Lee Gal" in html and "Only communications." in html  # kept
    with organization_scope(org):
        assert plan_services.plan_snapshot(ResponsePlan.objects.get()) == before
        assert PlanVersion.objects.count() == 1


def test_the_service_checks_members_whatever_the_caller(org, hr, other_org):
    outsider = member(other_org)
    data = plan_services.PlanInput(
        owner_id=outsider.pk, roles=[plan_services.RoleInput(name="Lead", responder_id=outsider.pk)]
    )
    with organization_scope(org), pytest.raises(plan_services.ValidationError) as caught:
        plan_services.plan_save(organization=org, actor=hr, data=data)
    assert set(caught.value.message_dict) == {"owner", "roles-0"}


@pytest.mark.parametrize("role", ["moderator", "employee"])
def test_only_admins_and_hr_edit_the_plan_and_denied_changes_nothing(org, hr, client, role, request):
    plan(org, hr)
    user = request.getfixturevalue(role)
    with organization_scope(org):
        before = plan_services.plan_snapshot(ResponsePlan.objects.get())
    client.force_login(user)
    lead = member(org)
    for url in ("plan/edit/", "plan/reviewed/", "plan/notifications/"):
        response = client.post(f"/o/{org.slug}/monitoring/incidents/{url}", _post_data(user, lead, hr))
        assert response.status_code == 403, url
    with organization_scope(org):
        after = ResponsePlan.objects.get()
        assert plan_services.plan_snapshot(after) == before and after.last_reviewed_on is None
        assert after.version == 1
    expected = 200 if role == "moderator" else 403
    assert client.get(f"/o/{org.slug}/monitoring/incidents/plan/").status_code == expected


def test_mark_reviewed_sets_the_next_due_date(org, admin, hr, client):
    plan(org, hr)
    client.force_login(admin)
    response = client.post(f"/o/{org.slug}/monitoring/incidents/plan/reviewed/", follow=True)
    today = timezone.localdate()
    assert f"The next review is due on {add_months(today, 12):%d %B %Y}" in response.content.decode()
    with organization_scope(org):
        saved = ResponsePlan.objects.get()
        assert (saved.last_reviewed_on, saved.last_reviewed_by_id) == (today, admin.pk)
        assert AuditEvent.objects.unscoped().filter(organization=org, action="incident_plan.reviewed").exists()


def test_add_months_keeps_the_end_of_february():
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2025, 11, 15), 3) == date(2026, 2, 15)


def test_the_owner_is_reminded_once_per_due_date(org, hr, admin):
    plan(org, hr)
    with organization_scope(org):
        plan_services.plan_mark_reviewed(organization=org, actor=hr, on=date(2025, 3, 10))
        due = date(2026, 3, 10)
        assert plan_services.plan_review_reminders_run(organization=org, today=due - timedelta(days=31)) == 0
        assert plan_services.plan_review_reminders_run(organization=org, today=due - timedelta(days=30)) == 1
        assert plan_services.plan_review_reminders_run(organization=org, today=due - timedelta(days=29)) == 0
        assert plan_services.plan_review_reminders_run(organization=org, today=due + timedelta(days=3)) == 0
        mails = list(OutgoingMail.objects.filter(organization=org, kind="incident_plan_review"))
        assert [m.to for m in mails] == [hr.email] and "10 March 2026" in mails[0].subject
        assert "/monitoring/incidents/plan/" in mails[0].body
        # reviewed again: a new due date, a new reminder when it comes
        plan_services.plan_mark_reviewed(organization=org, actor=hr, on=date(2026, 3, 1))
        assert plan_services.plan_review_reminders_run(organization=org, today=date(2027, 2, 20)) == 1
        assert PlanReviewReminder.objects.count() == 2


def test_without_an_owner_every_admin_is_reminded(org, hr, admin):
    saved = plan(org, hr)
    with organization_scope(org):
        ResponsePlan.objects.filter(pk=saved.pk).update(owner=None)
        sent = plan_services.plan_review_reminders_run(
            organization=org, today=timezone.localdate() + timedelta(days=400)
        )
        assert sent == 1
        assert list(OutgoingMail.objects.filter(kind="incident_plan_review").values_list("to", flat=True)) == [
            admin.email
        ]


def test_the_daily_job_fans_out_and_runs_per_organization(org, other_org, hr):
    from monitoring.incidents.tasks import send_plan_review_reminder

    plan(org, hr)
    with organization_scope(org):
        ResponsePlan.objects.update(created_at=timezone.now() - timedelta(days=400))
    assert send_plan_review_reminder(org.pk) == 1
    assert send_plan_review_reminder(org.pk) == 0
    assert send_plan_review_reminder(other_org.pk) == 0
