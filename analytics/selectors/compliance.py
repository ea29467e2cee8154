"""The compliance part (HR and admins): policy acknowledgements by policy and team, overdue people, and
training completion, read through the policies app's selectors (their summaries are cached there)."""

from __future__ import annotations

from policies.selectors import policy_list_for_staff
from policies.selectors.reports import report_people, report_summary
from policies.selectors.training import course_list_for_staff, course_report_people, course_report_summary

OVERDUE_SHOWN = 20


def _percent(part, whole):
    return None if not whole else round(100 * part / whole, 1)


def _policy_row(organization, policy, team_id) -> dict:
    counts = report_summary(organization=organization, policy_id=policy.pk, version_id=policy.current_version_id)[
        "counts"
    ]
    total, acknowledged = (
        counts["by_team"].get(team_id, (0, 0)) if team_id else (counts["total"], counts["acknowledged"])
    )
    pending = total - acknowledged
    return {
        "policy_id": policy.pk,
        "version_id": policy.current_version_id,
        "title": policy.title,
        "version": policy.current_version.number,
        "total": total,
        "acknowledged": acknowledged,
        "pending": pending,
        "overdue": pending if counts["is_overdue"] else 0,
        "percent": _percent(acknowledged, total),
        "teams": counts["teams"],
    }


def acknowledgements(*, organization, team_id=None, people: bool = True) -> dict:
    """Each active policy's current version: its audience, acknowledged, pending and overdue (of one team if
    asked), the per-team counts, and the overall compliance; with `people`, up to 20 overdue people per policy."""
    policies = [p for p in policy_list_for_staff(organization=organization) if p.current_version_id]
    rows = [_policy_row(organization, policy, team_id) for policy in policies]
    total = sum(row["total"] for row in rows)
    acknowledged = sum(row["acknowledged"] for row in rows)
    overdue = []
    for policy, row in zip(policies, rows, strict=True):
        if people and row["overdue"]:
            people = report_people(
                organization=organization, version=policy.current_version, team_id=team_id, status="overdue"
            ).values_list("user__full_name", "user__email", "team__name")[:OVERDUE_SHOWN]
            overdue += [{"policy": row["title"], "name": n or e, "email": e, "team": t or ""} for n, e, t in people]
    return {
        "rows": rows,
        "total": total,
        "acknowledged": acknowledged,
        "percent": _percent(acknowledged, total),
        "overdue": sum(row["overdue"] for row in rows),
        "overdue_people": overdue,
    }


def training(*, organization, team_id=None, people: bool = True) -> dict:
    """Each active course: assigned, completed, overdue (of one team if asked), and the overall completion."""
    courses = [c for c in course_list_for_staff(organization=organization) if c.current_version_id]
    rows, overdue = [], []
    for course in courses:
        summary = course_report_summary(organization=organization, course=course)
        if team_id:
            team = next((t for t in summary["teams"] if t["team_id"] == team_id), None)
            counts = team or {"assigned": 0, "completed": 0, "overdue": 0}
        else:
            counts = summary["totals"]
        rows.append(
            {
                "title": course.title,
                "assigned": counts["assigned"],
                "completed": counts["completed"],
                "overdue": counts["overdue"],
                "percent": _percent(counts["completed"], counts["assigned"]),
            }
        )
        if people and counts["overdue"]:
            found = course_report_people(organization=organization, course=course, team_id=team_id, status="overdue")
            overdue += [
                {"course": course.title, "name": n or e, "email": e, "team": t or "", "due_on": due}
                for n, e, t, due, _done, _number in found[:OVERDUE_SHOWN]
            ]
    assigned = sum(row["assigned"] for row in rows)
    completed = sum(row["completed"] for row in rows)
    return {
        "rows": rows,
        "assigned": assigned,
        "completed": completed,
        "percent": _percent(completed, assigned),
        "overdue": sum(row["overdue"] for row in rows),
        "overdue_people": overdue,
    }
