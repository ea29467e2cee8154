"""The audit log pages: browse, filter, paginate with a constant number of queries, export CSV."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advocacy.audit.models import AuditEvent
from advocacy.tenancy.context import organization_scope
from tests.organizations import in_every_organization

from .factories import AuditEventFactory

pytestmark = pytest.mark.django_db


def url(org, suffix=""):
    return f"/o/{org.slug}/audit/{suffix}"


def all_events():
    rows = in_every_organization(lambda: AuditEvent.objects.values_list("id", "organization_id", "action"))
    return [(organization_id, action) for _id, organization_id, action in sorted(rows)]


def test_admin_sees_the_log(client_for, admin, org, other_org):
    AuditEventFactory(organization=org, action="member.role_changed", actor_email="boss@acme.example")
    AuditEventFactory(organization=other_org, action="secret.other_org_thing", actor_email="x@other.example")
    response = client_for(admin).get(url(org))
    assert response.status_code == 200
    content = response.content.decode()
    assert "member.role_changed" in content and "boss@acme.example" in content and "198.51.100.7" in content
    assert "secret.other_org_thing" not in content and "x@other.example" not in content


def test_user_typed_values_are_escaped(client_for, admin, org):
    AuditEventFactory(organization=org, target_repr="<script>alert(1)</script>", data={"note": "<b>x</b>"})
    content = client_for(admin).get(url(org)).content.decode()
    assert "<script>alert(1)</script>" not in content and "&lt;script&gt;" in content
    assert "<b>x</b>" not in content


@pytest.mark.parametrize("person", ["employee", "hr", "moderator"])
def test_other_roles_get_403_and_nothing_changes(request, client_for, org, person):
    user = request.getfixturevalue(person)
    AuditEventFactory(organization=org)
    client = client_for(user)
    before = all_events()
    assert client.get(url(org)).status_code == 403
    assert client.get(url(org, "export.csv")).status_code == 403
    assert all_events() == before  # no audit.exported recorded


def test_filters(client_for, admin, org):
    AuditEventFactory(organization=org, action="invitation.created", actor_email="alice@acme.example", target_repr="T1")
    AuditEventFactory(organization=org, action="member.role_changed", actor_email="bob@acme.example", target_repr="T2")
    AuditEventFactory(
        organization=org, action="member.role_changed", actor_email="alice@acme.example", target_repr="T3"
    )
    client = client_for(admin)

    def shown(**params):
        content = client.get(url(org), params).content.decode()
        return {t for t in ("T1", "T2", "T3") if f">{t}<" in content}

    assert shown() == {"T1", "T2", "T3"}
    assert shown(action="member.role_changed") == {"T2", "T3"}
    assert shown(actor="ALICE@") == {"T1", "T3"}
    assert shown(action="member.role_changed", actor="alice") == {"T3"}
    assert shown(action="never.recorded") == set()
    today = timezone.localdate()
    assert shown(date_from=today.isoformat(), date_to=today.isoformat()) == {"T1", "T2", "T3"}
    assert shown(date_from=(today + timedelta(days=1)).isoformat()) == set()
    assert shown(date_to=(today - timedelta(days=1)).isoformat()) == set()


def test_action_filter_lists_distinct_actions_of_this_org_only(client_for, admin, org, other_org):
    AuditEventFactory(organization=org, action="b.second")
    AuditEventFactory(organization=org, action="a.first")
    AuditEventFactory(organization=org, action="a.first")
    AuditEventFactory(organization=other_org, action="z.foreign")
    content = client_for(admin).get(url(org)).content.decode()
    assert content.count('<option value="a.first">') == 1
    assert content.index("a.first") < content.index("b.second")
    assert "z.foreign" not in content


def test_invalid_dates_show_an_error_and_are_ignored(client_for, admin, org):
    AuditEventFactory(organization=org, target_repr="T1")
    today = timezone.localdate()
    response = client_for(admin).get(
        url(org), {"date_from": today.isoformat(), "date_to": (today - timedelta(days=3)).isoformat()}
    )
    assert b"The end date is before the start date." in response.content
    assert b">T1<" in response.content
    assert client_for(admin).get(url(org), {"date_from": "not-a-date"}).status_code == 200


def test_pagination(client_for, admin, org):
    client = client_for(admin)  # signing in is recorded too: do it first
    for i in range(54):
        AuditEventFactory(organization=org, target_repr=f"row-{i:02d}")
    first = client.get(url(org)).content.decode()
    assert ">row-53<" in first and ">row-04<" in first and ">row-03<" not in first
    assert "Showing 1–50 of 55" in first
    second = client.get(url(org), {"page": 2}).content.decode()
    assert ">row-03<" in second and ">row-00<" in second and ">row-04<" not in second
    assert "auth.signed_in</span>" in second


def _count_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow(client_for, admin, org):
    client = client_for(admin)
    for i in range(3):
        AuditEventFactory(organization=org, action=f"thing.{i}")
    _count_queries(client, url(org))  # warm the per-request caches (user, membership)
    small = _count_queries(client, url(org))
    for i in range(120):
        AuditEventFactory(organization=org, action=f"thing.{i % 7}", data={"n": i})
    assert _count_queries(client, url(org)) == small
    assert _count_queries(client, url(org) + "?page=2&actor=example") == small


# --- export ---------------------------------------------------------------------------------------------


def _csv(response):
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_export_streams_csv_with_formulas_escaped(client_for, admin, org, other_org):
    AuditEventFactory(
        organization=org,
        action="member.role_changed",
        actor_email="=cmd|' /C calc'!A0@example.com",
        target_repr="+SUM(1,2)",
        data={"name": "@evil"},
    )
    AuditEventFactory(organization=org, action="invitation.created", target_repr="-2+3")
    AuditEventFactory(organization=other_org, target_repr="other org row")
    response = client_for(admin).get(url(org, "export.csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="audit-{org.slug}-')
    rows = _csv(response)
    assert rows[0] == [
        "time",
        "actor",
        "action",
        "target_type",
        "target_id",
        "target",
        "ip_address",
        "user_agent",
        "details",
    ]
    targets = {row[5] for row in rows[1:]}
    assert "'+SUM(1,2)" in targets and "'-2+3" in targets
    assert "other org row" not in targets
    assert any(row[1] == "'=cmd|' /C calc'!A0@example.com" for row in rows[1:])
    assert any(row[8] == '{"name": "@evil"}' for row in rows[1:])
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_export_applies_filters_and_is_audited(client_for, admin, org):
    AuditEventFactory(organization=org, action="invitation.created", target_repr="keep")
    AuditEventFactory(organization=org, action="member.role_changed", target_repr="drop")
    rows = _csv(client_for(admin).get(url(org, "export.csv"), {"action": "invitation.created"}))
    assert [row[5] for row in rows[1:]] == ["keep"]
    with organization_scope(org):
        exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor_id == admin.pk
    assert exported.data == {"action": "invitation.created"}


def test_export_link_carries_the_filters(client_for, admin, org):
    AuditEventFactory(organization=org, action="invitation.created")
    content = client_for(admin).get(url(org), {"action": "invitation.created", "page": "1"}).content.decode()
    assert f'href="/o/{org.slug}/audit/export.csv?action=invitation.created"' in content


def test_export_streams_many_rows(client_for, admin, org):
    with organization_scope(org):
        AuditEvent.objects.bulk_create(
            [AuditEvent(organization=org, action="bulk.row", target_repr=f"r{i}") for i in range(2500)]
        )
    rows = _csv(client_for(admin).get(url(org, "export.csv"), {"action": "bulk.row"}))
    assert len(rows) == 2501
