# ruff: noqa: F811 - the sandbox fixtures are imported by name (pytest finds them in the module)
"""Pulls end to end against the local sandboxes (mastodon-mock, the local Bluesky AppView): posts stored through
the intake with one snapshot per post per run, incremental cursors, pagination, edits, deletions, idempotent
re-runs, a pull cut off midway resuming without loss or duplicates, and each fault handled as the issue says
(429 scheduled at its reset, 401 expiring the account and emailing the member once, 5xx retried then failing,
other 4xx shown), the per-host limit, and brand mentions."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from advocacy.core import secrets
from advocacy.core.models import OutgoingMail
from advocacy.tenancy.context import organization_scope
from monitoring.models import ConnectedAccount, EngagementSnapshot, Mention, MonitoringSettings, Post, PullRun
from monitoring.services import pulls
from tests.monitoring.factories import ConnectedAccountFactory
from tests.monitoring.servers.fixtures import (  # noqa: F401
    bluesky,
    bluesky_server,
    loopback,
    mastodon,
    mastodon_server,
    x,
    x_server,
)
from tests.monitoring.servers.x_api import TOKEN as X_TOKEN

pytestmark = pytest.mark.django_db


def mastodon_account(org, user, sandbox, username="alice"):
    me = sandbox.as_(username).account_verify_credentials()
    return ConnectedAccountFactory(
        organization=org,
        user=user,
        network="mastodon",
        instance_url=sandbox.base_url,
        handle=f"@{username}@{sandbox.host}",
        external_id=str(me["id"]),
        access_token_encrypted=secrets.encrypt(f"{username}_token"),
    )


def bluesky_account(org, user, appview, handle="alice.bsky.social"):
    did = appview.add_profile(handle)
    return ConnectedAccountFactory(
        organization=org, user=user, network="bluesky", instance_url="", handle=handle, external_id=did
    )


def pull(org, account, attempt=0):
    return pulls.account_pull(organization=org, account_id=account.pk, attempt=attempt)


def rows(org, model, **filters):
    with organization_scope(org):
        return list(model.objects.filter(organization=org, **filters).order_by("pk"))


def fresh(org, account):
    with organization_scope(org):
        return ConnectedAccount.objects.get(organization=org, pk=account.pk)


def test_mastodon_pull_stores_public_posts_with_a_snapshot_each_and_reruns_idempotently(org, employee, mastodon):
    for i in range(3):
        mastodon.post("alice", f"Post {i} about our launch")
    mastodon.post("alice", "only my followers", visibility="private")
    account = mastodon_account(org, employee, mastodon)

    assert pull(org, account).status == "succeeded"
    posts = rows(org, Post)
    assert sorted(p.text for p in posts) == [f"Post {i} about our launch" for i in range(3)]
    assert {p.user_id for p in posts} == {employee.pk}
    assert len(rows(org, EngagementSnapshot)) == 3
    account = fresh(org, account)
    assert account.cursor == max(p.external_id for p in posts)
    assert account.last_pulled_at is not None and account.state == ConnectedAccount.State.CONNECTED

    mastodon.as_("bob").status_favourite(posts[0].external_id)
    assert pull(org, account).status == "succeeded"
    assert len(rows(org, Post)) == 3  # nothing twice
    assert len(rows(org, EngagementSnapshot)) == 6  # one per post per run
    assert rows(org, Post, pk=posts[0].pk)[0].likes == 1
    assert [r.status for r in rows(org, PullRun)] == [PullRun.Status.SUCCEEDED] * 2


def test_mastodon_incremental_pages_after_the_cursor(org, employee, mastodon):
    mastodon.post("alice", "The first post")
    account = mastodon_account(org, employee, mastodon)
    pull(org, account)
    for i in range(45):  # more than one page (40) after the cursor
        mastodon.post("alice", f"Update {i}")
    assert pull(org, account).status == "succeeded"
    texts = {p.text for p in rows(org, Post)}
    assert texts == {"The first post"} | {f"Update {i}" for i in range(45)}
    assert len(rows(org, Post)) == 46
    account = fresh(org, account)
    assert account.cursor == str(max(int(p.external_id) for p in rows(org, Post)))


def test_mastodon_edits_and_deletions_in_the_recent_window_are_noticed(org, employee, mastodon):
    status = mastodon.post("alice", "Before the edit")
    doomed = mastodon.post("alice", "A post about to go")
    account = mastodon_account(org, employee, mastodon)
    pull(org, account)
    mastodon.as_("alice").status_update(status["id"], "After the edit")
    mastodon.as_("alice").status_delete(doomed["id"])
    pull(org, account)
    by_id = {p.external_id: p for p in rows(org, Post)}
    edited, gone = by_id[str(status["id"])], by_id[str(doomed["id"])]
    assert edited.text == "After the edit" and edited.edited_at is not None and edited.deleted_at is None
    assert gone.deleted_at is not None


def test_429_schedules_the_account_at_the_reset_without_waiting(org, employee, mastodon):
    account = mastodon_account(org, employee, mastodon)
    reset = timezone.now().replace(microsecond=0) + datetime.timedelta(minutes=7)
    mastodon.fault(
        path=f"/api/v1/accounts/{account.external_id}/statuses",
        status=429,
        kind="ratelimit",
        headers={"Retry-After": "", "X-RateLimit-Reset": reset.isoformat()},
    )
    outcome = pull(org, account)
    assert outcome.status == "rate_limited" and outcome.retry_at == reset
    assert fresh(org, account).next_pull_at == reset
    assert rows(org, PullRun)[-1].status == PullRun.Status.RATE_LIMITED
    with organization_scope(org):
        assert pulls.accounts_claim_due(organization=org) == []  # not before the reset
        assert pulls.accounts_claim_due(organization=org, now=reset) == [account.pk]


def test_401_expires_the_account_and_emails_the_member_once(org, employee, mastodon):
    account = mastodon_account(org, employee, mastodon)
    with organization_scope(org):
        ConnectedAccount.objects.filter(pk=account.pk).update(access_token_encrypted=secrets.encrypt("revoked"))
    assert pull(org, account).status == "expired"
    account = fresh(org, account)
    assert account.state == ConnectedAccount.State.EXPIRED and "401" in account.last_error
    with organization_scope(org):
        mails = list(OutgoingMail.objects.filter(organization=org, to=employee.email))
    assert len(mails) == 1 and "Reconnect" in mails[0].subject
    assert pull(org, account).status == "skipped"  # an expired account is not pulled (nor mailed) again


def test_5xx_is_retried_then_failing_with_the_reason(org, employee, mastodon):
    account = mastodon_account(org, employee, mastodon)
    path = f"/api/v1/accounts/{account.external_id}/statuses"
    mastodon.fault(path=path, status=503, count=3)
    assert pull(org, account, attempt=0).status == "transient"
    assert fresh(org, account).state == ConnectedAccount.State.CONNECTED
    assert pull(org, account, attempt=1).status == "transient"
    assert pull(org, account, attempt=2).status == "failed"
    account = fresh(org, account)
    assert account.state == ConnectedAccount.State.FAILING and "503" in account.last_error
    assert pull(org, account).status == "succeeded"  # the instance is back: connected again
    assert fresh(org, account).state == ConnectedAccount.State.CONNECTED and fresh(org, account).last_error == ""


def test_other_4xx_is_shown_and_not_retried_soon(org, employee, mastodon):
    account = mastodon_account(org, employee, mastodon)
    mastodon.fault(path=f"/api/v1/accounts/{account.external_id}/statuses", status=410)
    assert pull(org, account).status == "failed"
    account = fresh(org, account)
    assert account.state == ConnectedAccount.State.FAILING and "410" in account.last_error
    assert account.next_pull_at > timezone.now() + datetime.timedelta(hours=23)


def test_bluesky_pull_cut_off_midway_resumes_without_loss_or_duplicates(org, employee, bluesky):
    account = bluesky_account(org, employee, bluesky)
    start = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    for i in range(3):
        bluesky.post("alice.bsky.social", f"Old {i}", at=start + datetime.timedelta(minutes=i))
    assert pull(org, account).status == "succeeded"
    cursor = fresh(org, account).cursor
    for i in range(120):  # three pages of 50 newer than the cursor
        bluesky.post("alice.bsky.social", f"New {i}", at=start + datetime.timedelta(hours=1, minutes=i), likes=i)
    bluesky.fault("app.bsky.feed.getAuthorFeed", 502, after=1)  # the second page fails
    assert pull(org, account).status == "transient"
    assert len(rows(org, Post)) == 53  # the first page was stored
    assert fresh(org, account).cursor == cursor  # the cursor moves only once every new page is stored
    assert pull(org, account, attempt=1).status == "succeeded"
    posts = rows(org, Post)
    assert len(posts) == 123 and len({p.external_id for p in posts}) == 123
    assert fresh(org, account).cursor > cursor
    newest = next(p for p in posts if p.text == "New 119")
    assert newest.likes == 119


def test_bluesky_deletion_is_noticed(org, employee, bluesky):
    account = bluesky_account(org, employee, bluesky)
    kept = bluesky.post("alice.bsky.social", "kept")
    gone = bluesky.post("alice.bsky.social", "gone")
    pull(org, account)
    bluesky.delete(gone)
    pull(org, account)
    by_uri = {p.external_id: p for p in rows(org, Post)}
    assert by_uri[gone].deleted_at is not None and by_uri[kept].deleted_at is None


def test_a_busy_host_puts_the_account_back_a_minute(org, employee, mastodon):
    account = mastodon_account(org, employee, mastodon)
    other = connection.copy()  # another worker's connection
    try:
        with other.cursor() as cursor:
            for key in pulls.host_slots(mastodon.host):  # it holds every slot of the host
                cursor.execute("SELECT pg_advisory_lock(%s)", [key])
        outcome = pull(org, account)
        assert outcome.status == "busy"
        assert rows(org, Post) == [] and rows(org, PullRun) == []
        assert fresh(org, account).next_pull_at > timezone.now()
    finally:
        other.close()
    assert pull(org, account).status == "succeeded"


def test_brand_mentions_from_bluesky_search_and_mastodon_hashtags(org, employee, mastodon, bluesky):
    with organization_scope(org):
        MonitoringSettings.objects.update_or_create(
            organization=org, defaults={"brand_terms": ["Acme"], "hashtags": ["acmecorp"]}
        )
    mastodon_account(org, employee, mastodon)
    mastodon.post("outsider", "Terrible service from #acmecorp today, really awful")
    mastodon.post("alice", "Our team at #acmecorp shipped it")  # a member's own post: not a mention
    bluesky.add_profile("critic.bsky.social")
    bluesky.post("critic.bsky.social", "Acme support is wonderful")
    outcome = pulls.mentions_pull(organization=org)
    assert outcome.status == "succeeded"
    mentions = rows(org, Mention)
    assert sorted(m.network for m in mentions) == ["bluesky", "mastodon"]
    negative = next(m for m in mentions if m.network == "mastodon")
    assert negative.author_handle == f"@outsider@{mastodon.host}" and negative.sentiment_compound < 0
    again = pulls.mentions_pull(organization=org)
    assert again.status == "succeeded" and len(rows(org, Mention)) == 2
    with organization_scope(org):
        assert pulls.mentions_due(organization=org) is False


def test_claim_sends_each_due_account_once_per_interval(org, employee):
    account = ConnectedAccountFactory(organization=org, user=employee, next_pull_at=None)
    ConnectedAccountFactory(organization=org, user=employee, state=ConnectedAccount.State.EXPIRED)
    with organization_scope(org):
        assert pulls.accounts_claim_due(organization=org) == [account.pk]
        assert pulls.accounts_claim_due(organization=org) == []


def with_x_credentials(org, token=X_TOKEN):
    with organization_scope(org):
        MonitoringSettings.objects.update_or_create(
            organization=org, defaults={"x_credentials_encrypted": secrets.encrypt(token)}
        )


def test_x_pull_with_the_organizations_credentials(org, employee, x):
    with_x_credentials(org)
    user_id = x.add_user("emery")
    account = ConnectedAccountFactory(
        organization=org, user=employee, network="x", handle="@emery", external_id=user_id
    )
    first = x.post("emery", "Our launch is today #acme", likes=3)
    gone = x.post("emery", "Typo post")
    assert pull(org, account).status == "succeeded"
    assert fresh(org, account).cursor == gone
    for i in range(120):  # more than a page (100) newer than the cursor
        x.post("emery", f"Update {i}")
    x.edit(first, "Our launch is today #acme (edited)")
    x.delete(gone)
    assert pull(org, account).status == "succeeded"
    posts = {p.external_id: p for p in rows(org, Post)}
    assert len(posts) == 122
    assert posts[gone].deleted_at is not None
    assert len(rows(org, EngagementSnapshot)) == 2 + 121  # one per post per run (the deleted one none the second time)


def test_x_without_credentials_or_with_refused_ones_is_failing_in_words(org, employee, x):
    user_id = x.add_user("emery")
    account = ConnectedAccountFactory(
        organization=org, user=employee, network="x", handle="@emery", external_id=user_id
    )
    assert pull(org, account).status == "failed"
    assert "not entered X API credentials" in fresh(org, account).last_error
    with_x_credentials(org, "revoked-token")
    with organization_scope(org):
        ConnectedAccount.objects.filter(pk=account.pk).update(state=ConnectedAccount.State.CONNECTED)
    assert pull(org, account).status == "failed"
    assert "credentials" in fresh(org, account).last_error


def test_x_mentions_when_the_organization_has_credentials(org, employee, x, bluesky):
    with_x_credentials(org)
    with organization_scope(org):
        MonitoringSettings.objects.filter(organization=org).update(brand_terms=["Acme"])
    x.add_user("critic")
    x.post("critic", "Acme shipped my order broken, awful")
    assert pulls.mentions_pull(organization=org).status == "succeeded"
    [mention] = rows(org, Mention)
    assert mention.network == "x" and mention.author_handle == "@critic" and mention.sentiment_compound < 0
