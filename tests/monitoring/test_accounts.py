# ruff: noqa: F811 - the sandbox fixtures are imported by name (pytest finds them in the module)
"""Connected accounts pages: the Mastodon OAuth flow and the Bluesky verification against the local sandboxes,
errors shown with what was typed kept, disconnect deleting everything pulled (audited), someone else's account
refused, tokens never shown, and the page's query count at two data sizes."""

from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from mastodon.errors import MastodonUnauthorizedError

from advocacy.audit.models import AuditEvent
from advocacy.core import secrets
from advocacy.tenancy.context import organization_scope
from monitoring.models import ConnectedAccount, EngagementSnapshot, MastodonApp, MonitoringSettings, Post, PullRun
from monitoring.services import pulls
from tests.factories import MembershipFactory
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


def page(org):
    return f"/o/{org.slug}/monitoring/accounts/"


def accounts_of(org, **filters):
    with organization_scope(org):
        return list(ConnectedAccount.objects.filter(organization=org, **filters))


def test_the_page_says_what_is_read_and_about_linkedin_and_x(org, employee, client_for):
    response = client_for(employee).get(page(org))
    assert response.status_code == 200
    text = response.content.decode()
    assert "public posts and their counts" in text and "Nothing private" in text
    assert "LinkedIn and X" in text and "API credentials" in text
    assert "No connected accounts yet" in text


def test_mastodon_connect_through_oauth(org, employee, client_for, mastodon):
    client = client_for(employee)
    started = client.post(f"{page(org)}mastodon/", {"instance": mastodon.base_url})
    assert started.status_code == 200 and f"Continue to {mastodon.host}" in started.content.decode()
    authorize = started.context["authorize_url"]
    assert authorize.startswith(mastodon.base_url + "/oauth/authorize")
    assert MastodonApp.objects.filter(base_url=mastodon.base_url).count() == 1
    back = mastodon.approve(authorize, "alice")  # the member allows access on their instance
    assert urlsplit(back).path == "/monitoring/mastodon/return/"
    onward = client.get(urlsplit(back).path + "?" + urlsplit(back).query)
    assert onward.status_code == 302 and onward["Location"].startswith(
        f"/o/{org.slug}/monitoring/accounts/mastodon/callback/"
    )
    finished = client.get(onward["Location"], follow=True)
    [account] = accounts_of(org)
    assert account.user_id == employee.pk and account.handle == f"@alice@{mastodon.host}"
    assert account.state == ConnectedAccount.State.CONNECTED
    token = secrets.decrypt(account.access_token_encrypted)  # the token the instance issued, kept encrypted
    assert token and token not in account.access_token_encrypted
    assert mastodon.as_("alice").account_verify_credentials()["id"]  # the sandbox still knows alice
    text = finished.content.decode()
    assert f"@alice@{mastodon.host}" in text and "is connected" in text and token not in text
    assert pulls.account_pull(organization=org, account_id=account.pk).status == "succeeded"  # the token works
    with organization_scope(org):
        assert AuditEvent.objects.filter(organization=org, action="monitoring.account_connected").count() == 1
    # a second member on the same instance reuses our registration there
    client.post(f"{page(org)}mastodon/", {"instance": mastodon.base_url})
    assert MastodonApp.objects.filter(base_url=mastodon.base_url).count() == 1


def test_a_callback_with_another_state_connects_nothing(org, employee, client_for, mastodon):
    client = client_for(employee)
    started = client.post(f"{page(org)}mastodon/", {"instance": mastodon.base_url})
    back = mastodon.approve(started.context["authorize_url"], "alice").replace("state=", "state=forged")
    response = client.get(f"{page(org)}mastodon/callback/?{urlsplit(back).query}", follow=True)
    assert "did not start here" in response.content.decode()
    assert accounts_of(org) == []


def test_mastodon_errors_keep_what_was_typed(org, employee, client_for, mastodon, settings):
    client = client_for(employee)
    response = client.post(f"{page(org)}mastodon/", {"instance": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    response = client.post(f"{page(org)}mastodon/", {"instance": mastodon.base_url})
    text = response.content.decode()
    assert response.status_code == 400 and "We could not reach that Mastodon instance" in text
    assert mastodon.base_url in text  # kept in the field
    assert MastodonApp.objects.count() == 0


def test_bluesky_connect_with_a_verification_code(org, employee, client_for, bluesky):
    did = bluesky.add_profile("alice.bsky.social", display_name="Alice")
    client = client_for(employee)
    response = client.post(f"{page(org)}bluesky/", {"handle": "@Alice.bsky.social"}, follow=True)
    [account] = accounts_of(org)
    assert account.external_id == did and account.state == ConnectedAccount.State.PENDING_VERIFICATION
    code = account.verification_code
    assert code in response.content.decode()
    response = client.post(f"{page(org)}verify/", {"account": account.pk}, follow=True)
    assert "did not find" in response.content.decode()
    bluesky.post("alice.bsky.social", f"Connecting my account: {code}")
    client.post(f"{page(org)}verify/", {"account": account.pk})
    [account] = accounts_of(org)
    assert account.state == ConnectedAccount.State.CONNECTED and account.verification_code == ""


def test_bluesky_unknown_handle_is_an_error_on_the_field(org, employee, client_for, bluesky):
    response = client_for(employee).post(f"{page(org)}bluesky/", {"handle": "nobody.bsky.social"})
    assert response.status_code == 400
    assert "We could not find that Bluesky account" in response.content.decode()
    assert "nobody.bsky.social" in response.content.decode()


def test_an_account_connected_by_another_member_stays_theirs(org, employee, client_for, bluesky):
    bluesky.add_profile("shared.bsky.social")
    other = MembershipFactory(organization=org).user
    client_for(other).post(f"{page(org)}bluesky/", {"handle": "shared.bsky.social"})
    response = client_for(employee).post(f"{page(org)}bluesky/", {"handle": "shared.bsky.social"})
    assert response.status_code == 400 and "Another member" in response.content.decode()
    assert [a.user_id for a in accounts_of(org)] == [other.pk]


def test_disconnect_deletes_everything_pulled_and_is_audited(org, employee, client_for, bluesky):
    did = bluesky.add_profile("alice.bsky.social")
    account = ConnectedAccountFactory(
        organization=org, user=employee, network="bluesky", handle="alice.bsky.social", external_id=did
    )
    for i in range(3):
        bluesky.post("alice.bsky.social", f"Post {i}")
    assert pulls.account_pull(organization=org, account_id=account.pk).status == "succeeded"
    with organization_scope(org):
        assert Post.objects.filter(organization=org).count() == 3
    response = client_for(employee).post(f"{page(org)}disconnect/", {"account": account.pk}, follow=True)
    assert "3 pulled posts were deleted" in response.content.decode()
    with organization_scope(org):
        assert not Post.objects.filter(organization=org).exists()
        assert not EngagementSnapshot.objects.filter(organization=org).exists()
        assert not PullRun.objects.filter(organization=org).exists()
        assert not ConnectedAccount.objects.filter(organization=org).exists()
        event = AuditEvent.objects.get(organization=org, action="monitoring.account_disconnected")
    assert event.data["posts_deleted"] == 3 and event.actor_id == employee.pk


def test_someone_elses_account_is_404_and_changes_nothing(org, other_org, employee, client_for):
    colleague = MembershipFactory(organization=org).user
    theirs = ConnectedAccountFactory(organization=org, user=colleague)
    outsider = MembershipFactory(organization=other_org).user
    foreign = ConnectedAccountFactory(organization=other_org, user=outsider)
    client = client_for(employee)
    for account_id in (theirs.pk, foreign.pk, "x", ""):
        assert client.post(f"{page(org)}disconnect/", {"account": account_id}).status_code == 404
        assert client.post(f"{page(org)}verify/", {"account": account_id}).status_code == 404
    assert len(accounts_of(org)) == 1 and len(accounts_of(other_org)) == 1
    assert client_for(outsider).get(page(org)).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_at_two_sizes(org, employee, client_for):
    from monitoring.services.intake import posts_ingest
    from tests.monitoring.factories import PullRunFactory, pulled

    client = client_for(employee)

    def grow(n):
        for _ in range(n):
            account = ConnectedAccountFactory(organization=org, user=employee, token_expires_at=None)
            run = PullRunFactory(organization=org, account=account)
            with organization_scope(org):
                posts_ingest(organization=org, account=account, run=run, pulled=[pulled(f"Post of {account.handle}")])

    grow(1)
    _queries(client, page(org))  # the session and the organization's caches warm up
    small = _queries(client, page(org))
    grow(4)
    assert _queries(client, page(org)) == small


def test_x_appears_with_the_organizations_credentials_and_connects_with_a_code(org, employee, client_for, x):
    client = client_for(employee)
    assert "Connect X" not in client.get(page(org)).content.decode()
    assert client.post(f"{page(org)}x/", {"username": "emery"}).status_code == 404  # X is off
    with organization_scope(org):
        MonitoringSettings.objects.update_or_create(
            organization=org, defaults={"x_credentials_encrypted": secrets.encrypt(X_TOKEN)}
        )
    assert "Connect X" in client.get(page(org)).content.decode()
    x.add_user("emery", name="Emery")
    response = client.post(f"{page(org)}x/", {"username": "@nobody"})
    assert response.status_code == 400 and "We could not find that X account" in response.content.decode()
    response = client.post(f"{page(org)}x/", {"username": "@emery"}, follow=True)
    [account] = accounts_of(org)
    assert account.network == "x" and account.state == ConnectedAccount.State.PENDING_VERIFICATION
    assert "in your X bio" in response.content.decode() and X_TOKEN not in response.content.decode()
    x.post("emery", f"It is me: {account.verification_code}")
    client.post(f"{page(org)}verify/", {"account": account.pk})
    assert accounts_of(org)[0].state == ConnectedAccount.State.CONNECTED


def test_disconnecting_mastodon_gives_the_token_back_to_the_instance(
    org, employee, client_for, mastodon, django_capture_on_commit_callbacks
):
    client = client_for(employee)
    started = client.post(f"{page(org)}mastodon/", {"instance": mastodon.base_url})
    back = mastodon.approve(started.context["authorize_url"], "alice")
    client.get(f"{page(org)}mastodon/callback/?{urlsplit(back).query}")
    [account] = accounts_of(org)
    token = secrets.decrypt(account.access_token_encrypted)
    assert mastodon.server.client(token=token).account_verify_credentials()["username"] == "alice"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{page(org)}disconnect/", {"account": account.pk})
    assert accounts_of(org) == []
    with pytest.raises(MastodonUnauthorizedError):  # the instance no longer knows the token
        mastodon.server.client(token=token).account_verify_credentials()
