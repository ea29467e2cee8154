"""Tracking who acknowledged (HR, admins): the report, its teams, the CSV export, reminders to a team."""

from datetime import UTC
from functools import cache
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from advocacy.core.chrome import initials
from advocacy.core.csv import csv_stream
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.decorators import org_view
from advocacy.tenancy.selectors import get_team_for_org

from .. import selectors, services
from ..models import PolicyVersion
from .common import may, page_url

PEOPLE_PER_PAGE = 50


# --- tracking --------------------------------------------------------------------------------------------


def _report_filters(request, team_ids=None):
    """The report's filters from the query string. The team is checked against the organization: against
    `team_ids` (the organization's teams, cached) when given, else with a query; 404 for a foreign one."""
    organization = request.organization
    raw_team = request.GET.get("team") or None
    team_id = None
    if raw_team:
        if team_ids is None:
            team_id = get_team_for_org(organization, raw_team).pk
        else:
            try:
                team_id = int(raw_team)
            except (TypeError, ValueError):
                raise Http404("No such team")
            if team_id not in team_ids:
                raise Http404("No such team")
    status = request.GET.get("status", "")
    if status not in ("acknowledged", "pending", "overdue"):
        status = ""
    return {"team_id": team_id, "status": status, "search": request.GET.get("q", "")[:100]}


class _CountedPaginator(Paginator):
    """A paginator told its count (from the cached report counts) instead of counting every request."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property


_STATUS_BADGES = {
    "acknowledged": ("badge-success", "Acknowledged"),
    "overdue": ("badge-danger", "Overdue"),
    "pending": ("badge-warning", "Pending"),
}


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _utc_stamp(moment) -> str:
    """ "5 Mar 2026, 14:07 UTC" (Django's "j M Y, H:i" in English, without its per-call translation lookups)."""
    moment = moment.astimezone(UTC)
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}, {moment.hour:02d}:{moment.minute:02d} UTC"


def _report_rows(rows, *, overdue: bool) -> list[dict]:
    """The page of people (name, email, team name, ack_at) as what the template shows, formatted here
    rather than by template filters row by row."""
    result = []
    for name, email, team, ack_at in rows:
        status = "acknowledged" if ack_at else ("overdue" if overdue else "pending")
        badge, label = _STATUS_BADGES[status]
        result.append(
            {
                "name": name or email,
                "email": email,
                "initials": initials(SimpleNamespace(full_name=name, email=email)),
                "team": team or "—",
                "badge": badge,
                "status": label,
                "ack_at": _utc_stamp(ack_at) if ack_at else "",
            }
        )
    return result


TEAMS_SHOWN = 10


def _teams_needing_attention(counts: dict, report_url: str) -> dict:
    """The report's by-team card: every team when there are few, else the TEAMS_SHOWN teams with the most
    people pending (a link leads to all of them: an organization of 10,000 people has hundreds)."""
    teams = counts["teams"]
    shown = teams
    if len(teams) > TEAMS_SHOWN:
        shown = sorted(teams, key=lambda t: (-t["pending"], t["team"]))[:TEAMS_SHOWN]
    return {"teams": shown, "hidden": len(teams) - len(shown), "total_teams": len(teams), "report_url": report_url}


@require_GET
@org_view("policies.track")
def report(request, policy_id, version_id):
    """Counts overall and by team, then one page of people. At any organization size one query, for the
    page of people: the version, counts, teams and versions come from the report summary cached per
    policies generation (five more queries when it is built again)."""
    organization = request.organization
    summary = selectors.report_summary(organization=organization, policy_id=policy_id, version_id=version_id)
    version = summary["version"]
    counts = summary["counts"]
    filters = _report_filters(request, team_ids={pk for pk, _name in summary["teams"]})
    people = selectors.ReportPeoplePage(organization=organization, version=version, **filters)
    if filters["search"].strip():
        paginator = Paginator(people, PEOPLE_PER_PAGE)
    else:
        count = selectors.report_match_count(counts, team_id=filters["team_id"], status=filters["status"])
        paginator = _CountedPaginator(people, PEOPLE_PER_PAGE, count)
    page_obj = paginator.get_page(request.GET.get("page"))
    context = {
        "policy": version.policy,
        "version": version,
        "page_obj": page_obj,
        # read only when the table's fragment is missing (a template calls a callable)
        "people": cache(lambda: _report_rows(page_obj.object_list, overdue=counts["is_overdue"])),
        "people_key": (page_obj.number, filters["team_id"] or 0, filters["status"]),
        "filters": filters,
        "published": [
            {"pk": pk, "label": f"v{number}", "published_at": published_at}
            for pk, number, published_at in summary["published"]
        ],
        "may_remind": may(request, "policies.remind") and version.status == PolicyVersion.Status.PUBLISHED,
        "export_query": request.GET.urlencode(),
        "counts": counts,
        "fragment_key": (version.pk, summary["expires_at"], counts["is_overdue"]),
        "team_choices": summary["teams"],
        **_teams_needing_attention(counts, request.path),
    }
    return render(request, "policies/report.html", context)


@require_GET
@org_view("policies.track")
def report_teams(request, policy_id, version_id):
    """Every team's counts for a version (the report page shows the teams needing attention): two queries
    besides the cached summary."""
    organization = request.organization
    summary = selectors.report_summary(organization=organization, policy_id=policy_id, version_id=version_id)
    version = summary["version"]
    counts = selectors.report_counts(organization=organization, version=version)
    order = "pending" if request.GET.get("sort") == "pending" else "name"
    teams = counts["teams"]
    if order == "pending":
        teams = sorted(teams, key=lambda t: (-t["pending"], t["team"]))
    report_url = reverse(
        "policies_report",
        kwargs={"org_slug": organization.slug, "policy_id": version.policy_id, "version_id": version.pk},
    )
    context = {
        "policy": version.policy,
        "version": version,
        "counts": counts,
        "order": order,
        "report_url": report_url,
        "teams": teams,
        "hidden": 0,
    }
    return render(request, "policies/report_teams.html", context)


REPORT_HEADER = ["name", "email", "team", "status", "acknowledged_at_utc", "policy", "version"]


@require_GET
@org_view("policies.track")
def report_csv(request, policy_id, version_id):
    organization, user = request.organization, request.user
    policy = selectors.get_policy_for_org(organization, policy_id)
    version = selectors.get_version_for_org(organization, version_id, policy=policy)
    if not version.is_frozen:
        raise Http404("Drafts have no acknowledgements")
    filters = _report_filters(request)
    services.report_export(organization=organization, actor=user, version=version, filters=filters)
    overdue = selectors.is_overdue(version)
    version_pk = version.pk

    def rows():
        # The response streams after the middleware's scope has closed: enter it again.
        with organization_scope(organization, user=user):
            v = selectors.get_version_for_org(organization, version_pk)
            people = selectors.report_people(organization=organization, version=v, **filters)
            for m in people.iterator(chunk_size=2000):
                status = "acknowledged" if m.ack_at else ("overdue" if overdue else "pending")
                yield [
                    m.user.full_name,
                    m.user.email,
                    m.team.name if m.team else "",
                    status,
                    m.ack_at.astimezone(UTC) if m.ack_at else None,
                    v.policy.title,
                    v.label,
                ]

    response = StreamingHttpResponse(csv_stream(rows(), header=REPORT_HEADER), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="acknowledgements-{policy.pk}-{version.label}-{timezone.now():%Y%m%d}.csv"'
    )
    return response


@require_POST
@org_view("policies.remind")
def remind_team(request, policy_id, version_id):
    organization = request.organization
    policy = selectors.get_policy_for_org(organization, policy_id)
    version = selectors.get_version_for_org(organization, version_id, policy=policy)
    back = page_url(request, "report", policy_id=policy.pk, version_id=version.pk)
    team_id = request.POST.get("team")
    if not team_id:
        messages.error(request, "Choose the team to remind.")
        return redirect(back)
    team = get_team_for_org(organization, team_id)
    try:
        services.reminder_request_for_team(organization=organization, actor=request.user, version=version, team=team)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(request, f"Reminders are on their way to the people in {team.name} who have not acknowledged.")
    return redirect(back + f"?team={team.pk}")
