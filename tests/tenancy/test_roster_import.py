"""Bulk invitations from a CSV roster: validation of the upload, the Celery task and its per-row
report, re-runs and resuming after a crash, the status page and the CSV download."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from advocacy.audit.models import AuditEvent
from advocacy.permissions import Role
from advocacy.tenancy import roster
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Invitation, RosterImport
from advocacy.tenancy.services import roster_imports as services
from advocacy.tenancy.tasks import process_roster_import
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def eager(monkeypatch):
    """Celery runs tasks in-process (the broker is not involved)."""
    from advocacy.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)


def scoped(org, fn):
    with organization_scope(org):
        return fn()


def invitations(org):
    return scoped(org, lambda: sorted(Invitation.objects.values_list("email", flat=True)))


ROSTER = (
    "\ufeffName,E-mail,TEAM,Roles\n"
    "Ada Lovelace,ada@example.com,Marketing,employee\n"  # 2 created
    "Grace Hopper,GRACE@example.com,marketing,admin;hr\n"  # 3 created (team matched case-insensitively)
    "Typo Team,typo@example.com,Markting,employee\n"  # 4 rejected: unknown team
    "Bad Role,badrole@example.com,,superuser\n"  # 5 rejected: unknown role
    "Broken,not-an-email,,employee\n"  # 6 rejected: invalid email
    "No Email,,Marketing,employee\n"  # 7 rejected: missing email
    "Already Member,member@acme-test.example,,employee\n"  # 8 skipped: member
    "Already Invited,invited@example.com,,employee\n"  # 9 skipped: pending invitation
    "Ada Again,ada@example.com,,employee\n"  # 10 skipped: duplicate of row 2
    "\n"  # 11 blank: ignored
    "Multi Role,multi@example.com,,moderator | employee\n"  # 12 created, roles by |
    "Default Role,default@example.com,,\n"  # 13 created as employee
)


@pytest.fixture
def roster_org(org, team):
    MembershipFactory(organization=org, user=UserFactory(email="member@acme-test.example"))
    InvitationFactory(organization=org, email="invited@example.com")
    return org


def run_import(org, admin, content=ROSTER, filename="roster.csv"):
    """Create the import (as the upload view does) and run the task function directly."""
    roster_import = scoped(
        org, lambda: services.roster_import_create(organization=org, actor=admin, filename=filename, content=content)
    )
    process_roster_import(org.pk, roster_import.pk)
    return scoped(org, lambda: RosterImport.objects.get(pk=roster_import.pk))


def by_row(roster_import):
    return {entry["row"]: entry for entry in roster_import.report}


# --- parsing ------------------------------------------------------------------------------------------------


def test_parse_header_aliases_bom_and_semicolon_delimiter():
    rows = roster.parse("\ufeffEMAIL;Full Name;Role\nx@example.com;X Y;hr\n")
    assert rows == [roster.RosterRow(2, "X Y", "x@example.com", "", "hr")]


@pytest.mark.parametrize(
    ("value", "roles", "unknown"),
    [
        ("admin;hr", ["admin", "hr"], []),
        ("Moderator | Employee", ["employee", "moderator"], []),
        ("admin hr  employee", ["admin", "employee", "hr"], []),
        ("", ["employee"], []),
        ("boss;hr", ["hr"], ["boss"]),
    ],
)
def test_parse_roles(value, roles, unknown):
    assert roster.parse_roles(value) == (roles, unknown)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "The file is empty."),
        ("name,team\nAda,Marketing\n", "email is required"),
        ("email\n", "has a header but no rows"),
        ("email,Email\nx@example.com,y@example.com\n", "names the “email” column twice"),
        ("email\n\x00\x01", "binary data"),
    ],
)
def test_parse_rejects_unusable_files(content, message):
    with pytest.raises(ValidationError, match=message):
        roster.parse(content)


# --- the task ------------------------------------------------------------------------------------------------


def test_roster_with_good_and_bad_rows(roster_org, admin, team, mailoutbox, django_capture_on_commit_callbacks):
    org = roster_org
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(org, admin)
    assert result.status == RosterImport.Status.DONE
    assert result.total_rows == result.processed_rows == 11
    rows = by_row(result)
    assert sorted(rows) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13]  # the blank line is not a row
    expected = {
        2: ("created", "Invitation sent"),
        3: ("created", "Invitation sent"),
        4: ("rejected", "No team named “Markting”"),
        5: ("rejected", "Unknown role “superuser”: use employee, hr, moderator or admin"),
        6: ("rejected", "“not-an-email” is not a valid email address"),
        7: ("rejected", "Missing email address"),
        8: ("skipped", "Already a member"),
        9: ("skipped", "Already invited (invitation pending)"),
        10: ("skipped", "Duplicate of row 2 in this file"),
        12: ("created", "Invitation sent"),
        13: ("created", "Invitation sent"),
    }
    assert {n: (e["outcome"], e["reason"]) for n, e in rows.items()} == expected
    assert rows[3]["roles"] == "admin hr" and rows[12]["roles"] == "employee moderator"

    assert invitations(org) == [
        "ada@example.com",
        "default@example.com",
        "grace@example.com",
        "invited@example.com",
        "multi@example.com",
    ]
    grace = scoped(org, lambda: Invitation.objects.get(email="grace@example.com"))
    assert grace.roles == [Role.ADMIN, Role.HR] and grace.team_id == team.pk and grace.full_name == "Grace Hopper"
    assert grace.invited_by == admin
    assert scoped(org, lambda: Invitation.objects.get(email="default@example.com")).roles == [Role.EMPLOYEE]
    assert sorted(m.to[0] for m in mailoutbox) == [
        "ada@example.com",
        "default@example.com",
        "grace@example.com",
        "multi@example.com",
    ]
    assert all("/invitations/" in m.body for m in mailoutbox)
    audit = scoped(org, lambda: list(AuditEvent.objects.values_list("action", "data")))
    assert ("roster_import.finished", {"created": 4, "skipped": 3, "rejected": 4}) in audit
    assert sum(1 for action, _ in audit if action == "invitation.created") == 4


def test_running_twice_creates_nothing_more(roster_org, admin):
    org = roster_org
    result = run_import(org, admin)
    before = invitations(org)
    process_roster_import(org.pk, result.pk)
    again = scoped(org, lambda: RosterImport.objects.get(pk=result.pk))
    assert invitations(org) == before
    assert again.report == result.report


def test_a_crash_midway_resumes_without_duplicates(
    roster_org, admin, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    """A worker dying in the middle keeps the committed chunks; the next run continues after them."""
    org = roster_org
    roster_import = scoped(
        org, lambda: services.roster_import_create(organization=org, actor=admin, filename="r.csv", content=ROSTER)
    )
    real_create = services.invitation_create
    calls = {"n": 0}

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker lost")
        return real_create(**kwargs)

    monkeypatch.setattr(services, "invitation_create", flaky)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        services.roster_import_run(organization=org, roster_import_id=roster_import.pk, chunk_size=4)
    stopped = scoped(org, lambda: RosterImport.objects.get(pk=roster_import.pk))
    assert stopped.status == RosterImport.Status.FAILED and "worker lost" in stopped.error
    assert stopped.processed_rows == 8  # rows 2-5 and 6-9 committed; the chunk with row 12 rolled back
    assert len(stopped.report) == 8
    assert invitations(org) == ["ada@example.com", "grace@example.com", "invited@example.com"]

    monkeypatch.setattr(services, "invitation_create", real_create)
    with django_capture_on_commit_callbacks(execute=True):
        services.roster_import_run(organization=org, roster_import_id=roster_import.pk, chunk_size=4)
    done = scoped(org, lambda: RosterImport.objects.get(pk=roster_import.pk))
    assert done.status == RosterImport.Status.DONE and done.processed_rows == 11
    assert [e["row"] for e in done.report] == [2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13]
    assert [e["outcome"] for e in done.report].count("created") == 4
    assert len(invitations(org)) == 5  # 4 new + the one that existed, none twice
    # one email each: the chunk that rolled back had sent none
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        ["ada@example.com", "grace@example.com", "multi@example.com", "default@example.com"]
    )


def test_progress_is_committed_per_chunk(roster_org, admin, monkeypatch):
    org = roster_org
    seen = []
    real = services._roster_process_rows

    def spy(**kwargs):
        current = RosterImport.objects.get(pk=roster_import.pk)
        seen.append((current.processed_rows, current.status))
        return real(**kwargs)

    roster_import = scoped(
        org, lambda: services.roster_import_create(organization=org, actor=admin, filename="r.csv", content=ROSTER)
    )
    monkeypatch.setattr(services, "_roster_process_rows", spy)
    services.roster_import_run(organization=org, roster_import_id=roster_import.pk, chunk_size=5)
    assert seen == [(0, "running"), (5, "running"), (10, "running")]


# --- the pages -----------------------------------------------------------------------------------------------


def upload(client, org, content, name="roster.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(f"/o/{org.slug}/invitations/import/", {"file": SimpleUploadedFile(name, data, "text/csv")})


def test_upload_runs_the_task_and_shows_the_report(
    roster_org, admin, client_for, eager, django_capture_on_commit_callbacks
):
    org = roster_org
    client = client_for(admin)
    assert b"name,email,team,roles" in client.get(f"/o/{org.slug}/invitations/import/").content
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, org, ROSTER)
    assert response.status_code == 302
    roster_import = scoped(org, lambda: RosterImport.objects.get())
    assert response["Location"] == f"/o/{org.slug}/invitations/import/{roster_import.pk}/"
    assert roster_import.status == "done" and roster_import.uploaded_by == admin
    page = client.get(response["Location"]).content.decode()
    assert "Finished" in page and "every 1s" not in page
    assert "No team named “Markting”" in page and "Duplicate of row 2 in this file" in page
    assert 'aria-valuenow="100"' in page
    rejected = client.get(response["Location"], {"outcome": "rejected"}).content.decode()
    assert "Markting" in rejected and "ada@example.com" not in rejected
    assert "roster_import.created" in scoped(org, lambda: list(AuditEvent.objects.values_list("action", flat=True)))


def test_status_page_polls_while_running(org, admin, client_for):
    roster_import = scoped(
        org,
        lambda: RosterImport.objects.create(
            organization=org, filename="big.csv", content="email\n", status="running", total_rows=200, processed_rows=50
        ),
    )
    client = client_for(admin)
    url = f"/o/{org.slug}/invitations/import/{roster_import.pk}/"
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page and f'hx-get="{url}"' in page
    assert 'aria-valuenow="25"' in page and 'class="w-25"' in page and "50 of 200 rows" in page
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="import-body"') and "<html" not in partial


def test_report_csv_escapes_formulas(org, team, admin, client_for):
    content = (
        "name,email,team,roles\n"
        '"=HYPERLINK(""http://evil.example"",""x"")",evil@example.com,+Team,employee\n'
        "@SUM(A1),sum@example.com,,-admin\n"
    )
    result = run_import(org, admin, content)
    response = client_for(admin).get(f"/o/{org.slug}/invitations/import/{result.pk}/report.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["row", "name", "email", "team", "roles", "outcome", "reason"]
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[1][3] == "'+Team" and rows[1][5] == "rejected"
    assert rows[2][1] == "'@SUM(A1)"
    assert rows[2][4] == "'-admin" and "Unknown role “-admin”" in rows[2][6]
    exported = scoped(org, lambda: AuditEvent.objects.filter(action="roster_import.report_exported").count())
    assert exported == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("roster.xlsx", "email\nx@example.com\n", "Upload a .csv file"),
        ("roster.csv", "name,team\nAda,Marketing\n", "email is required"),
        ("roster.csv", "email,name\nx@example.com,Zoë\n".encode("latin-1"), "not UTF-8"),
        ("roster.csv", "", "The submitted file is empty."),
        ("roster.csv", "email\n" + "x@example.com\n" * (roster.MAX_ROWS + 1), "more than 10,000 rows"),
        ("roster.csv", "email\n" + "a" * (roster.MAX_BYTES + 1), "larger than 5 MB"),
    ],
)
def test_bad_upload_is_refused_and_creates_nothing(org, admin, client_for, name, content, message, mailoutbox):
    client = client_for(admin)
    response = upload(client, org, content, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert scoped(org, lambda: RosterImport.objects.count()) == 0
    assert invitations(org) == []


def test_utf8_with_and_without_bom_is_accepted(org, admin, client_for):
    client = client_for(admin)
    assert upload(client, org, "\ufeffemail,name\nzoe@example.com,Zoë\n").status_code == 302
    assert upload(client, org, "email,name\nzoe2@example.com,Zoë\n").status_code == 302
    assert scoped(org, lambda: RosterImport.objects.count()) == 2


@pytest.mark.parametrize("role_fixture", ["employee", "hr", "moderator"])
def test_roster_import_is_admin_only(request, org, admin, client_for, role_fixture):
    done = run_import(org, admin, "email\nx@example.com\n")
    client = client_for(request.getfixturevalue(role_fixture))
    assert upload(client, org, "email\ny@example.com\n").status_code == 403
    assert client.get(f"/o/{org.slug}/invitations/import/{done.pk}/").status_code == 403
    assert client.get(f"/o/{org.slug}/invitations/import/{done.pk}/report.csv").status_code == 403
    assert client.post(f"/o/{org.slug}/invitations/import/{done.pk}/resume/").status_code == 403
    assert scoped(org, lambda: RosterImport.objects.count()) == 1
    assert invitations(org) == ["x@example.com"]


def test_resume_a_stopped_import(org, admin, client_for, eager, django_capture_on_commit_callbacks):
    roster_import = scoped(
        org,
        lambda: RosterImport.objects.create(
            organization=org,
            uploaded_by=admin,
            filename="r.csv",
            content="email\na@example.com\nb@example.com\n",
            status="failed",
            total_rows=2,
        ),
    )
    client = client_for(admin)
    assert b"Resume" in client.get(f"/o/{org.slug}/invitations/import/{roster_import.pk}/").content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/o/{org.slug}/invitations/import/{roster_import.pk}/resume/")
    assert response.status_code == 302
    assert scoped(org, lambda: RosterImport.objects.get(pk=roster_import.pk)).status == "done"
    assert invitations(org) == ["a@example.com", "b@example.com"]
    response = client.post(f"/o/{org.slug}/invitations/import/{roster_import.pk}/resume/", follow=True)
    assert b"This import has already finished." in response.content


def test_report_page_query_count_is_constant(org, admin, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = run_import(org, admin, "email\n" + "".join(f"s{i}@example.com\n" for i in range(3)))
    large = run_import(org, admin, "email\n" + "".join(f"l{i}@example.com\n" for i in range(150)))
    client = client_for(admin)
    counts = []
    for item in (small, small, large):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/o/{org.slug}/invitations/import/{item.pk}/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[1] == counts[2]


def test_import_of_another_org_is_404(org, other_org, admin, other_admin, client_for):
    mine = run_import(org, admin, "email\nx@example.com\n")
    client = client_for(other_admin)
    assert client.get(f"/o/{other_org.slug}/invitations/import/{mine.pk}/").status_code == 404
    assert client.get(f"/o/{other_org.slug}/invitations/import/{mine.pk}/report.csv").status_code == 404


def test_a_row_whose_email_cannot_be_sent_is_rejected_and_the_rest_go_out(
    roster_org, admin, settings, django_capture_on_commit_callbacks
):
    from tests.tenancy.test_teams_invitations_settings import RefusingMailServer

    settings.EMAIL_BACKEND = "tests.tenancy.test_teams_invitations_settings.RefusingMailServer"
    content = f"name,email,team,roles\nBo,{RefusingMailServer.REFUSED},,employee\nCy,cy@example.com,,employee\n"
    with django_capture_on_commit_callbacks(execute=True):
        started = run_import(roster_org, admin, content=content)
    # the emails go once each chunk commits; the refused one's report line says so
    result = scoped(roster_org, lambda: RosterImport.objects.get(pk=started.pk))
    assert result.status == RosterImport.Status.DONE
    rows = by_row(result)
    assert rows[2]["outcome"] == "rejected" and "could not be sent" in rows[2]["reason"]
    assert rows[3]["outcome"] == "created"
    open_ones = scoped(
        roster_org, lambda: sorted(Invitation.objects.filter(revoked_at__isnull=True).values_list("email", flat=True))
    )
    assert open_ones == ["cy@example.com", "invited@example.com"]  # the refused one was withdrawn
    assert "so it was withdrawn" in rows[2]["reason"]
