# ruff: noqa: F811 - the sandbox fixtures are imported by name (pytest finds them in the module)
"""The pull tasks (Celery's own eager switch, real sandboxes): the beat's organization task sends each due account
once and they are pulled; a rate-limited account is sent again at the reset instead of waiting (the re-send
finds it not yet due); a transient failure is retried with backoff until it passes; expiry warnings go once."""

import datetime
import time

import pytest
from django.utils import timezone

from advocacy.core import secrets
from advocacy.core.models import OutgoingMail
from advocacy.tenancy.context import organization_scope
from monitoring import tasks
from monitoring.models import ConnectedAccount, Post, PullRun
from tests.monitoring.factories import ConnectedAccountFactory
from tests.monitoring.servers.fixtures import loopback, mastodon, mastodon_server  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager():
    from advocacy.celery import app

    app.conf.task_always_eager = True  # Celery read its settings at start-up: the app's own switch
    yield
    app.conf.task_always_eager = False


def sandbox_account(org, user, sandbox, username="alice"):
    me = sandbox.as_(username).account_verify_credentials()
    return ConnectedAccountFactory(
        organization=org,
        user=user,
        network="mastodon",
        instance_url=sandbox.base_url,
        handle=f"@{username}@{sandbox.host}",
        external_id=str(me["id"]),
        access_token_encrypted=secrets.encrypt(f"{username}_token"),
        next_pull_at=None,
    )


def runs(org):
    with organization_scope(org):
        return list(PullRun.objects.filter(organization=org).order_by("pk"))


def test_the_organization_task_sends_each_due_account_and_it_is_pulled(
    org, employee, mastodon, eager, django_capture_on_commit_callbacks
):
    mastodon.post("alice", "Hello from the sandbox")
    sandbox_account(org, employee, mastodon)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.pull_organization(org.pk) == 1
    with organization_scope(org):
        assert [p.text for p in Post.objects.filter(organization=org)] == ["Hello from the sandbox"]
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.pull_organization(org.pk) == 0  # claimed for the interval


def test_a_rate_limit_is_scheduled_not_waited_for(org, employee, mastodon, eager):
    account = sandbox_account(org, employee, mastodon)
    reset = timezone.now() + datetime.timedelta(minutes=5)
    mastodon.fault(
        path=f"/api/v1/accounts/{account.external_id}/statuses",
        status=429,
        kind="ratelimit",
        headers={"Retry-After": "", "X-RateLimit-Reset": reset.isoformat()},
    )
    started = time.monotonic()
    assert tasks.pull_account(org.pk, account.pk) == "rate_limited"
    assert time.monotonic() - started < 10  # nobody slept until the reset
    # the re-send at the reset ran at once here (eager) and found the account not due yet: one run only
    assert [r.status for r in runs(org)] == [PullRun.Status.RATE_LIMITED]


def test_a_transient_failure_is_retried_until_it_passes(org, employee, mastodon, eager):
    account = sandbox_account(org, employee, mastodon)
    mastodon.fault(path=f"/api/v1/accounts/{account.external_id}/statuses", status=502, count=2)
    assert tasks.pull_account(org.pk, account.pk) == "transient"
    assert [r.status for r in runs(org)] == [PullRun.Status.FAILED, PullRun.Status.FAILED, PullRun.Status.SUCCEEDED]
    with organization_scope(org):
        assert ConnectedAccount.objects.get(pk=account.pk).state == ConnectedAccount.State.CONNECTED


def test_expiry_warning_goes_once_a_week_ahead(org, employee, client_for):
    soon = timezone.now() + datetime.timedelta(days=3)
    ConnectedAccountFactory(organization=org, user=employee, token_expires_at=soon, handle="@emery@social.example")
    ConnectedAccountFactory(
        organization=org, user=employee, token_expires_at=timezone.now() + datetime.timedelta(days=30)
    )
    assert tasks.warn_expiring(org.pk) == 1
    assert tasks.warn_expiring(org.pk) == 0
    with organization_scope(org):
        [mail] = OutgoingMail.objects.filter(organization=org, to=employee.email)
    assert "expires on" in mail.subject
    page = client_for(employee).get(f"/o/{org.slug}/monitoring/accounts/").content.decode()
    assert "Expires soon" in page and soon.strftime("%-d %b %Y") in page
