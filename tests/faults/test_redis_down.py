"""Redis down (stopped) or hung (SIGSTOP), with a Redis server of the test's own (tests/faults/conftest.py):
tracked links redirect and count every click exactly once, signed-in pages, the API and the sign-in form
answer, /readyz answers within 2 s naming Redis, a task queued while the broker is down is sent when it is
back, and a write made while Redis did not answer is never hidden by what was cached before it."""

import time

import pytest
import redis
from django.core import mail
from django.test import Client

from advocacy.accounts import sessions
from advocacy.core import cache as contract
from advocacy.core import outbox
from advocacy.core.models import Outbox
from advocacy.permissions import Role
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Membership
from content_library import links, services
from content_library.models import ClickDaily, ClickSpool
from tests.accounts.helpers import sign_in
from tests.content_library.factories import ContentItemFactory
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.policies.factories import published_policy

from .conftest import poll, redis_answers_this_process, run_queued_tasks

pytestmark = pytest.mark.django_db(transaction=True)

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
FLUSH = "content_library.tasks.flush_org_clicks"


@pytest.fixture
def share(org, employee, private_redis):
    item = ContentItemFactory(organization=org, title="Quarterly results beat expectations")
    with organization_scope(org):
        return services.share_prepare(organization=org, actor=employee, content=item, network="linkedin", caption="")


def click(code, ip="203.0.113.7", ua=BROWSER):
    return Client(REMOTE_ADDR=ip).get(f"/l/{code}", HTTP_USER_AGENT=ua)


def timed(function, *args, **kwargs):
    started = time.monotonic()
    result = function(*args, **kwargs)
    return result, time.monotonic() - started


def stored_clicks(org):
    with organization_scope(org):
        return sum(ClickDaily.objects.filter(organization=org).values_list("clicks", flat=True))


def spooled(org):
    with organization_scope(org):
        return ClickSpool.objects.count()


def test_tracked_links_redirect_and_count_every_click_once_while_redis_is_down(org, share, private_redis):
    assert click(share.code).status_code == 302
    assert links.flush_clicks(organization=org) == 1

    private_redis.stop()
    for ip in ("198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.1"):  # the last one repeats
        response, took = timed(click, share.code, ip=ip)
        assert response.status_code == 302 and response["Location"] == share.destination
        assert took < 1.0
    assert click(share.code, ua="").status_code == 302  # no User-Agent: redirected, never counted
    assert click(share.code, ua="Twitterbot/1.0").status_code == 200  # a crawler's preview page
    assert click("nope1234").status_code == 404
    assert spooled(org) == 3
    assert list(Outbox.objects.values_list("task", "args")) == [(FLUSH, [org.pk])]  # one flush, not three
    assert outbox.dispatch() == 0  # the broker is down too: kept
    assert stored_clicks(org) == 1

    private_redis.start()  # back, empty
    poll(redis_answers_this_process)
    assert outbox.dispatch() == 1
    assert run_queued_tasks() == [FLUSH]
    assert stored_clicks(org) == 4 and spooled(org) == 0 and not Outbox.objects.exists()
    assert links.flush_clicks(organization=org) == 0  # merged once: running again adds nothing
    assert stored_clicks(org) == 4

    assert click(share.code, ip="198.51.100.9").status_code == 302  # Redis again, from the next click on
    assert spooled(org) == 0 and links.flush_clicks(organization=org) == 1
    assert stored_clicks(org) == 5


def test_tracked_links_redirect_and_count_every_click_once_while_redis_hangs(org, share, private_redis):
    assert click(share.code).status_code == 302  # warms this process's connection and the script
    private_redis.pause()
    first, took = timed(click, share.code, ip="198.51.100.1")  # sent, unanswered: Redis runs it on resuming
    assert first.status_code == 302 and took < 1.5
    second, took = timed(click, share.code, ip="198.51.100.2")  # Redis skipped: spooled at once
    assert second.status_code == 302 and took < 0.3
    assert spooled(org) == 1

    private_redis.resume()
    stream = links.stream_key(org.pk)

    def buffered():
        try:
            return links.client().xlen(stream)
        except redis.RedisError:  # this process waits a moment before trying a server that failed
            return None

    poll(lambda: buffered() == 2)  # the warm-up click and the one Redis took while hung
    assert outbox.dispatch() == 1 and run_queued_tasks() == [FLUSH]
    assert stored_clicks(org) == 1 + 2 and spooled(org) == 0  # both clicks made during the hang
    assert links.flush_clicks(organization=org) == 0
    assert stored_clicks(org) == 3


@pytest.fixture
def signed_in(org, employee, private_redis):
    """The employee signed in through the form while Redis answered."""
    browser = Client()
    assert sign_in(browser, employee.email).status_code == 302
    assert browser.get(f"/o/{org.slug}/").status_code == 200
    return browser


def _pages_api_and_sign_in_answer(org, hr, browser, *, limit: float):
    for url in (f"/o/{org.slug}/", f"/o/{org.slug}/content/", f"/api/v1/o/{org.slug}/content/items/"):
        response, took = timed(browser.get, url)
        assert response.status_code == 200, url
        assert took < limit, (url, took)
    other = Client()
    assert other.get("/accounts/login/").status_code == 200
    response, took = timed(sign_in, other, hr.email)
    assert response.status_code == 302 and response["Location"] == "/", response.content[:300]
    assert took < limit
    assert other.get(f"/o/{org.slug}/").status_code == 200


def _readyz_names_redis_within_two_seconds(client):
    response, took = timed(client.get, "/readyz")
    assert took < 2.0
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["redis"].startswith("error") and checks["broker"].startswith("error")


def test_signed_in_pages_the_api_sign_in_and_readyz_while_redis_hangs_then_is_down(
    org, hr, signed_in, client, private_redis
):
    assert client.get("/readyz").json()["checks"] == {"database": "ok", "redis": "ok", "broker": "ok"}
    private_redis.pause()
    _readyz_names_redis_within_two_seconds(client)
    _pages_api_and_sign_in_answer(org, hr, signed_in, limit=2.0)
    private_redis.stop()
    _readyz_names_redis_within_two_seconds(client)
    _pages_api_and_sign_in_answer(org, hr, signed_in, limit=2.0)


def test_a_task_queued_while_the_broker_is_down_is_sent_when_it_is_back(org, hr, client_for, private_redis):
    team = TeamFactory(organization=org, name="Ops")
    late = MembershipFactory(organization=org, user=UserFactory(), roles=[Role.EMPLOYEE], team=team).user
    policy, version = published_policy(org, actor=hr)
    run_queued_tasks(timeout=0.2)  # the reminders of the publication itself
    browser = client_for(hr)
    mail.outbox.clear()

    private_redis.stop()
    url = f"/o/{org.slug}/policies/{policy.pk}/versions/{version.pk}/remind/"
    response = browser.post(url, {"team": team.pk})
    assert response.status_code == 302 and response["Location"].endswith(f"?team={team.pk}")
    assert list(Outbox.objects.values_list("task", flat=True)) == ["policies.tasks.send_team_reminder"]
    assert outbox.dispatch() == 0 and Outbox.objects.get().attempts == 1
    assert mail.outbox == []

    private_redis.start()
    assert outbox.dispatch() == 1 and not Outbox.objects.exists()
    assert run_queued_tasks() == ["policies.tasks.send_team_reminder"]
    assert [m.to[0] for m in mail.outbox] == [late.email]


def test_a_write_while_redis_hangs_is_not_hidden_by_the_cache_once_it_resumes(org, employee, private_redis):
    browser = Client()
    assert sign_in(browser, employee.email).status_code == 302
    with organization_scope(org):
        membership = Membership.objects.get(user=employee)

    def removed_while_hung():
        assert browser.get(f"/o/{org.slug}/").status_code == 200  # the membership is cached
        private_redis.pause()
        with organization_scope(org):
            Membership.objects.filter(pk=membership.pk).update(is_active=False)
        private_redis.resume()

    # the process that wrote replaces the generations it could not, before its next read
    removed_while_hung()
    assert browser.get(f"/o/{org.slug}/").status_code == 404
    # a process that did not write (no memory of it): the outbox replaces them once the broker is back
    with organization_scope(org):
        Membership.objects.filter(pk=membership.pk).update(is_active=True)
    removed_while_hung()
    contract._unapplied.clear()
    assert Outbox.objects.filter(task="advocacy.core.tasks.cache_renew_generations").exists()
    assert outbox.dispatch() >= 1 and "advocacy.core.tasks.cache_renew_generations" in run_queued_tasks()
    assert browser.get(f"/o/{org.slug}/").status_code == 404


def test_a_sign_out_while_redis_hangs_stays_signed_out_once_it_resumes(org, employee, private_redis):
    browser = Client()
    assert sign_in(browser, employee.email).status_code == 302
    assert browser.get(f"/o/{org.slug}/").status_code == 200  # the session is in Redis too
    cookie = browser.cookies["sessionid"].value

    def old_cookie_status():
        other = Client()
        other.cookies["sessionid"] = cookie
        return other.get(f"/o/{org.slug}/").status_code

    def sign_out_while_hung():
        private_redis.pause()
        assert browser.post("/accounts/logout/").status_code == 302
        private_redis.resume()
        poll(redis_answers_this_process)

    # the process that signed out deletes the copy Redis kept before it reads the session again
    sign_out_while_hung()
    assert old_cookie_status() == 302
    # a process that did not (no memory of it): the outbox's task deletes it once the broker is back
    assert sign_in(browser, employee.email).status_code == 302
    assert browser.get(f"/o/{org.slug}/").status_code == 200
    cookie = browser.cookies["sessionid"].value
    sign_out_while_hung()
    sessions._stale.clear()
    assert outbox.dispatch() >= 1 and "advocacy.core.tasks.cache_delete_keys" in run_queued_tasks()
    assert old_cookie_status() == 302
