"""A roster import whose worker died stalls no more: its silence is noticed by the stall check (a beat task),
which resumes it from its last committed chunk, in every organization, at most three times in a row without
progress; its page says it stalled and offers Resume to an admin (POST, permission-checked, audited)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from advocacy.audit.models import AuditEvent
from advocacy.core.registry import beat_schedule
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import ROSTER_MAX_AUTO_RESUMES, ROSTER_STALL_AFTER, Invitation, RosterImport
from advocacy.tenancy.services import organizations_with_stalled_imports
from advocacy.tenancy.tasks import resume_stalled_roster_imports

pytestmark = pytest.mark.django_db

CONTENT = "email\na@example.com\nb@example.com\nc@example.com\n"
LONG_AGO = ROSTER_STALL_AFTER + timedelta(minutes=1)


@pytest.fixture
def eager(monkeypatch):
    from advocacy.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)


def make_import(org, admin, *, silent_for=LONG_AGO, status="running", auto_resumes=0):
    with organization_scope(org):
        return RosterImport.objects.create(
            organization=org,
            uploaded_by=admin,
            filename="people.csv",
            content=CONTENT,
            status=status,
            total_rows=3,
            heartbeat_at=timezone.now() - silent_for,
            auto_resumes=auto_resumes,
        )


def reload(org, roster_import):
    with organization_scope(org):
        return RosterImport.objects.get(pk=roster_import.pk)


def audit(org, action="roster_import.resumed"):
    with organization_scope(org):
        return list(AuditEvent.objects.filter(action=action).values_list("actor_id", "data"))


def invited(org):
    with organization_scope(org):
        return sorted(Invitation.objects.values_list("email", flat=True))


def page(client, org, roster_import):
    return client.get(f"/o/{org.slug}/invitations/import/{roster_import.pk}/").content.decode()


def test_a_silent_import_shows_stalled_and_offers_resume(org, admin, client_for):
    stalled = make_import(org, admin)
    moving = make_import(org, admin, silent_for=timedelta(seconds=5))
    client = client_for(admin)
    html = page(client, org, stalled)
    assert "Stalled" in html and "No progress for 4\xa0minutes: the worker processing it may have stopped." in html
    assert "It is resumed automatically within a few minutes, or you can resume it now." in html
    resume = f'action="/o/{org.slug}/invitations/import/{stalled.pk}/resume/"'
    assert resume in html and 'name="csrfmiddlewaretoken"' in html and 'hx-trigger="every 5s"' in html
    html = page(client, org, moving)
    assert "Inviting people…" in html and "Stalled" not in html and "/resume/" not in html
    assert 'hx-trigger="every 1s"' in html
    listing = client.get(f"/o/{org.slug}/invitations/").content.decode()
    assert listing.count('<span class="badge badge-warning">Stalled</span>') == 1


def test_an_admin_resumes_a_stalled_import(org, admin, client_for, eager, django_capture_on_commit_callbacks):
    stalled = make_import(org, admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin).post(f"/o/{org.slug}/invitations/import/{stalled.pk}/resume/", follow=True)
    assert "The import will continue where it stopped." in response.content.decode()
    done = reload(org, stalled)
    assert done.status == "done" and done.processed_rows == 3 and done.auto_resumes == 0
    assert invited(org) == ["a@example.com", "b@example.com", "c@example.com"]
    [(actor_id, data)] = audit(org)
    assert actor_id == admin.pk and data["automatic"] is False and data["after_row"] == 0


def test_an_import_still_moving_is_not_resumed_by_hand(
    org, admin, client_for, eager, django_capture_on_commit_callbacks
):
    moving = make_import(org, admin, silent_for=timedelta(seconds=5))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin).post(f"/o/{org.slug}/invitations/import/{moving.pk}/resume/", follow=True)
    assert "This import is still running; it continues by itself." in response.content.decode()
    after = reload(org, moving)
    assert (after.status, after.heartbeat_at, after.processed_rows) == ("running", moving.heartbeat_at, 0)
    assert audit(org) == [] and invited(org) == []


@pytest.mark.parametrize("role_fixture", ["employee", "hr", "moderator"])
def test_only_admins_resume(request, org, admin, client_for, role_fixture):
    stalled = make_import(org, admin)
    client = client_for(request.getfixturevalue(role_fixture))
    assert client.post(f"/o/{org.slug}/invitations/import/{stalled.pk}/resume/").status_code == 403
    assert reload(org, stalled).status == "running" and audit(org) == []


def test_the_stall_check_resumes_silent_imports_in_every_organization(
    org, other_org, admin, other_admin, eager, django_capture_on_commit_callbacks
):
    stalled = make_import(org, admin)
    moving = make_import(other_org, other_admin, silent_for=timedelta(seconds=5))
    finished = make_import(org, admin, status="done")
    queued_and_lost = make_import(other_org, other_admin, status="queued")
    before = timezone.now() - ROSTER_STALL_AFTER
    assert organizations_with_stalled_imports(stalled_before=before) == sorted([org.pk, other_org.pk])

    with django_capture_on_commit_callbacks(execute=True):
        assert resume_stalled_roster_imports.apply().get() == 2
    assert reload(org, stalled).status == "done" and invited(org) == ["a@example.com", "b@example.com", "c@example.com"]
    assert reload(other_org, queued_and_lost).status == "done"
    assert reload(other_org, moving).status == "running" and reload(other_org, moving).auto_resumes == 0
    assert reload(org, finished).status == "done"
    [(actor_id, data)] = audit(org)
    assert actor_id is None and data["automatic"] is True
    assert organizations_with_stalled_imports(stalled_before=before) == []


def test_the_stall_check_gives_up_after_three_resumes_without_progress(org, admin, client_for, eager):
    stuck = make_import(org, admin, auto_resumes=ROSTER_MAX_AUTO_RESUMES)
    assert resume_stalled_roster_imports.apply().get() == 1  # its organization is asked...
    assert reload(org, stuck).status == "running" and audit(org) == []  # ...and leaves it to an admin
    html = page(client_for(admin), org, stuck)
    assert f"It was resumed automatically {ROSTER_MAX_AUTO_RESUMES} times without moving" in html
    assert f"/invitations/import/{stuck.pk}/resume/" in html


def test_an_automatic_resume_counts_until_the_import_moves(org, admin, django_capture_on_commit_callbacks):
    from advocacy.tenancy.services import roster_import_resume_stalled, roster_import_run

    stalled = make_import(org, admin, auto_resumes=1)
    with django_capture_on_commit_callbacks(execute=False), organization_scope(org):
        assert roster_import_resume_stalled(organization=org, stalled_before=timezone.now() - ROSTER_STALL_AFTER) == 1
    resumed = reload(org, stalled)
    assert resumed.status == "queued" and resumed.auto_resumes == 2
    assert resumed.heartbeat_at > timezone.now() - timedelta(minutes=1)  # silent from now on, not from before
    roster_import_run(organization=org, roster_import_id=stalled.pk)
    assert reload(org, stalled).auto_resumes == 0  # it moved


def test_the_stall_check_is_a_beat_entry():
    assert beat_schedule()["tenancy-roster-stalls"] == {
        "task": "advocacy.tenancy.tasks.resume_stalled_roster_imports",
        "schedule": 60.0,
    }
