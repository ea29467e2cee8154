"""A test-only URL that runs raw SQL inside an organization's request (row-level security test)."""

from django.db import connection
from django.http import JsonResponse
from django.urls import path

from advocacy.tenancy.decorators import org_view


@org_view()
def raw_counts(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT organization_id FROM tenancy_membership")
        membership_orgs = sorted(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT DISTINCT organization_id FROM tenancy_team")
        team_orgs = sorted(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT DISTINCT organization_id FROM audit_auditevent")
        audit_orgs = sorted(row[0] for row in cursor.fetchall())
    return JsonResponse({"membership": membership_orgs, "team": team_orgs, "audit": audit_orgs})


urlpatterns = [path("o/<slug:org_slug>/raw/", raw_counts)]
