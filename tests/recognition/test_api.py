"""The recognition API: the board and the caller's points, kudos (give, wall), rewards and redemptions (request,
an admin approves; an employee may not), stories (submit; only published ones listed); errors as 400 by field;
constant query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advocacy.tenancy.context import organization_scope
from recognition import services
from recognition.models import Redemption, Reward
from tests.recognition.factories import confirmed_share, member

pytestmark = pytest.mark.django_db


def api(org, tail=""):
    return f"/api/v1/o/{org.slug}/recognition/{tail}"


def _run(org):
    with organization_scope(org):
        services.points_award_run(organization=org)


def test_board_and_me(org, employee, client_for):
    for minute in range(2):
        confirmed_share(org, employee, at=timezone.now() - datetime.timedelta(minutes=minute + 1))
    confirmed_share(org, member(org, name="Zed"))
    _run(org)
    client = client_for(employee)
    board = client.get(api(org, "board/?period=all")).json()
    assert (board["viewer_rank"], board["viewer_points"], board["top"][0]["is_viewer"]) == (1, 20, True)
    assert client.get(api(org, "board/?period=decade")).status_code == 400
    me = client.get(api(org, "me/")).json()
    assert me["points"]["all"] == 20 and me["points_left"] == 20
    assert [b["badge"]["key"] for b in me["badges"]] == ["first-share"]
    assert client.get(api(org, "badges/")).status_code == 200


def test_kudos_give_and_wall(org, employee, client_for):
    bob = member(org, name="Bob")
    client = client_for(employee)
    bad = client.post(api(org, "kudos/"), {"receiver": employee.pk, "message": ""}, content_type="application/json")
    assert bad.status_code == 400 and "receiver" in bad.content.decode() and "message" in bad.content.decode()
    ok = client.post(api(org, "kudos/"), {"receiver": bob.pk, "message": "Thanks!"}, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["receiver"]["name"] == "Bob"
    assert [k["message"] for k in client.get(api(org, "kudos/")).json()["results"]] == ["Thanks!"]


def test_redeem_through_the_api_and_roles(org, employee, admin, client_for):
    for minute in range(3):
        confirmed_share(org, employee, at=timezone.now() - datetime.timedelta(minutes=minute + 1))
    _run(org)
    with organization_scope(org):
        reward = Reward.objects.create(organization=org, name="Mug", cost=20, stock=1)
    asked = client_for(employee).post(api(org, f"rewards/{reward.pk}/request/"))
    assert asked.status_code == 201
    redemption_id = asked.json()["id"]
    denied = client_for(employee).post(api(org, f"redemptions/{redemption_id}/approve/"))
    assert denied.status_code == 403
    with organization_scope(org):
        assert Redemption.objects.get().status == "requested"
    declined = client_for(admin).post(
        api(org, f"redemptions/{redemption_id}/decline/"), {"note": ""}, content_type="application/json"
    )
    assert declined.status_code == 400
    approved = client_for(admin).post(
        api(org, f"redemptions/{redemption_id}/approve/"), {}, content_type="application/json"
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert client_for(employee).get(api(org, "me/")).json()["points_left"] == 10
    assert len(client_for(admin).get(api(org, "redemptions/")).json()["results"]) == 1
    assert len(client_for(member(org)).get(api(org, "redemptions/")).json()["results"]) == 0


def test_stories_submit_and_list(org, employee, admin, client_for):
    client = client_for(employee)
    bad = client.post(api(org, "stories/"), {"title": "", "what_happened": ""}, content_type="application/json")
    assert bad.status_code == 400
    ok = client.post(
        api(org, "stories/"), {"title": "Win", "what_happened": "It worked."}, content_type="application/json"
    )
    assert ok.status_code == 201 and ok.json()["status"] == "submitted"
    assert client.get(api(org, "stories/")).json()["results"] == []


def test_list_query_counts_do_not_grow(org, employee, client_for):
    def add(n):
        for i in range(n):
            a, b = member(org), member(org)
            with organization_scope(org):
                services.kudos_give(organization=org, actor=a, receiver_id=b.pk, message=f"k{i}")
                Reward.objects.create(organization=org, name=f"R{a.pk}", cost=5, stock=1)

    client = client_for(employee)
    client.get(api(org, "badges/"))  # the session's first request
    add(2)
    urls = [api(org, "kudos/"), api(org, "rewards/"), api(org, "board/?period=all"), api(org, "me/")]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            result.append(len(captured.captured_queries))
        return result

    small = counts()  # each right after members joined: the board's cache is cold both times
    add(10)
    assert counts() == small
