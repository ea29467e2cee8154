"""The audit table is append-only (the runtime role may not UPDATE or DELETE it, and a trigger refuses both
to any role) and row-level secured (raw SQL sees one organization)."""

import pytest
from django.db import DatabaseError, connection, transaction

from advocacy.audit.models import AuditEvent
from advocacy.audit.services import audit_record
from advocacy.tenancy.context import organization_scope

from .factories import AuditEventFactory

pytestmark = pytest.mark.django_db


# refused by the runtime role's privileges (advocacy/core/roles.py), or by the trigger where one role owns all
REFUSED = "append-only|permission denied for table audit_auditevent"


def test_update_is_rejected(org):
    event = AuditEventFactory(organization=org, action="member.role_changed")
    with organization_scope(org):
        with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(action="nothing.happened")
        with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("UPDATE audit_auditevent SET actor_email = 'x' WHERE id = %s", [event.pk])
        assert AuditEvent.objects.get(pk=event.pk).action == "member.role_changed"


def test_delete_is_rejected(org):
    event = AuditEventFactory(organization=org)
    with organization_scope(org):
        with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
        with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
        assert AuditEvent.objects.filter(pk=event.pk).exists()


def _raw_count(organization_id=None):
    with connection.cursor() as cursor:
        if organization_id is None:
            cursor.execute("SELECT count(*) FROM audit_auditevent")
        else:
            cursor.execute("SELECT count(*) FROM audit_auditevent WHERE organization_id = %s", [organization_id])
        return cursor.fetchone()[0]


def test_raw_sql_in_another_orgs_scope_sees_none_of_these_rows(org, other_org):
    for _ in range(3):
        AuditEventFactory(organization=org)
    AuditEventFactory(organization=other_org)
    with organization_scope(org):
        assert _raw_count(org.pk) == 3 and _raw_count() == 3
    with organization_scope(other_org):
        assert _raw_count(org.pk) == 0
        assert _raw_count() == 1
    with transaction.atomic():  # no organization set: no tenant rows at all
        assert _raw_count() == 0


def test_raw_insert_into_another_org_is_refused(org, other_org):
    with organization_scope(other_org):
        with pytest.raises(DatabaseError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO audit_auditevent (organization_id, actor_email, action, target_type,"
                    " target_id, target_repr, data, user_agent, created_at)"
                    " VALUES (%s, '', 'forged', '', '', '', '{}', '', now())",
                    [org.pk],
                )


def test_audit_record_writes_inside_the_scope(org, admin):
    with organization_scope(org):
        event = audit_record(organization=org, actor=admin, action="thing.done", target=org, data={"a": 1})
    assert event.actor_email == admin.email
    assert event.target_type == "organization" and event.target_id == str(org.pk)
