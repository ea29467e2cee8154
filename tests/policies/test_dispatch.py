"""Services queue the reminder tasks by their registered names once the request commits; with Celery
running tasks in this process, the reminders reach the people still pending."""

import pytest
from django.core import mail

from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from policies import services
from tests.factories import MembershipFactory, TeamFactory, UserFactory

from .factories import make_policy, publish, published_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager(monkeypatch):
    from advocacy.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)


def remind_url(org, policy, version):
    return f"/o/{org.slug}/policies/{policy.pk}/versions/{version.pk}/remind/"


def test_publishing_a_material_version_reminds_everyone_pending(
    org, hr, employee, eager, django_capture_on_commit_callbacks
):
    policy = make_policy(org, actor=hr)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish(org, policy, actor=hr)
    reminded = {m.to[0] for m in mail.outbox if m.subject == "Please acknowledge: Social media policy"}
    assert employee.email in reminded


def test_hr_reminds_one_team_through_a_queued_task(org, hr, client_for, eager, django_capture_on_commit_callbacks):
    team = TeamFactory(organization=org, name="Ops")
    late = MembershipFactory(organization=org, user=UserFactory(), roles=[Role.EMPLOYEE], team=team).user
    policy, version = published_policy(org, actor=hr)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(hr).post(remind_url(org, policy, version), {"team": team.pk})
    assert response.status_code == 302 and response["Location"].endswith(f"?team={team.pk}")
    assert [m.to[0] for m in mail.outbox] == [late.email]


def test_no_reminder_for_an_archived_policy(org, hr, client_for, eager, django_capture_on_commit_callbacks):
    team = TeamFactory(organization=org, name="Ops")
    MembershipFactory(organization=org, user=UserFactory(), roles=[Role.EMPLOYEE], team=team)
    policy, version = published_policy(org, actor=hr)
    with organization_scope(org):
        services.policy_archive(organization=org, actor=hr, policy=policy)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(hr).post(remind_url(org, policy, version), {"team": team.pk}, follow=True)
    assert "Reminders go out for the current version of an active policy only." in response.content.decode()
    assert mail.outbox == []
