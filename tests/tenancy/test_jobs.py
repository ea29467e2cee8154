"""Queueing a task by its registered name (what services do: they never import the tasks that call them)."""

import pytest

from advocacy.tenancy.jobs import enqueue, task_named, tenant_task
from advocacy.tenancy.models import Team
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

ran = []


@tenant_task(name="tests.jobs.count_teams")
def count_teams(label, *, organization):
    ran.append((label, organization.pk, Team.objects.count()))


@pytest.fixture
def eager(monkeypatch):
    from advocacy.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)


def test_a_task_queued_by_name_runs_after_commit_in_its_organization(
    org, other_org, eager, django_capture_on_commit_callbacks
):
    TeamFactory(organization=org)
    TeamFactory(organization=other_org)
    TeamFactory(organization=other_org)
    ran.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue("tests.jobs.count_teams", other_org, "by name")
    assert ran == [] and len(callbacks) == 1
    callbacks[0]()
    assert ran == [("by name", other_org.pk, 2)]


def test_the_tasks_of_every_app_are_found_by_name():
    assert task_named("policies.tasks.send_publish_reminders").name == "policies.tasks.send_publish_reminders"
    assert task_named("advocacy.tenancy.tasks.process_roster_import").name.endswith("process_roster_import")


def test_an_unknown_name_is_refused_before_anything_is_queued(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, pytest.raises(KeyError):
        enqueue("tests.jobs.no_such_task", org)
    assert callbacks == []
