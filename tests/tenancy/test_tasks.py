"""Celery tasks run inside the organization they are given; beat fan-out sends one per organization."""

import pytest

from advocacy.tenancy.context import current_organization
from advocacy.tenancy.models import Team
from advocacy.tenancy.tasks import enqueue, fan_out, tenant_task
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

seen = []


@tenant_task(name="tests.count_teams")
def count_teams(*, organization):
    seen.append((organization.pk, current_organization().pk, Team.objects.count()))
    return Team.objects.count()


def test_tenant_task_runs_in_its_organization(org, other_org):
    TeamFactory(organization=org)
    TeamFactory(organization=org)
    TeamFactory(organization=other_org)
    assert count_teams.apply(args=[org.pk]).get() == 2
    assert count_teams.apply(args=[other_org.pk]).get() == 1


def test_fan_out_sends_one_task_per_organization(org, other_org, settings):
    from advocacy.celery import app

    app.conf.task_always_eager = True
    try:
        seen.clear()
        sent = fan_out(count_teams)
    finally:
        app.conf.task_always_eager = False
    assert sent >= 2
    assert {o for o, _, _ in seen} >= {org.pk, other_org.pk}
    assert all(o == active for o, active, _ in seen)


def test_enqueue_waits_for_commit(org, django_capture_on_commit_callbacks):
    from advocacy.celery import app

    app.conf.task_always_eager = True
    try:
        seen.clear()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            enqueue(count_teams, org)
        assert seen == []
        assert len(callbacks) == 1
        callbacks[0]()
    finally:
        app.conf.task_always_eager = False
    assert seen and seen[0][0] == org.pk
