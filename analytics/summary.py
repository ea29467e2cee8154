"""The weekly summary email: to each admin who asked for it, the last seven days' headline figures beside the
seven before, and what changed most. Once per admin and week: the week is recorded with the queued mail in one
transaction (advocacy.core.mail's outbox), so a second run sends nobody a second copy."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse

from advocacy.core import mail
from advocacy.tenancy.models import Membership

from .models import SummarySubscription
from .selectors import dashboard, headlines, local_today, organization_zone
from .selectors.periods import Filters


def _moves(lines: list[dict]) -> list[dict]:
    """The figures that changed, biggest relative change first."""
    moved = [line for line in lines if line["change"]["direction"] in ("up", "down")]
    return sorted(moved, key=lambda line: -abs(line["change"]["percent"] or 0))[:3]


def weekly_summary_send(*, organization, today: datetime.date | None = None) -> int:
    today = today or local_today(organization_zone(organization))
    monday = today - datetime.timedelta(days=today.weekday())
    subscriptions = list(
        SummarySubscription.objects.filter(organization=organization).exclude(last_week=monday).select_related("user")
    )
    admins = set(
        Membership.objects.filter(
            organization=organization, is_active=True, user_id__in=[s.user_id for s in subscriptions]
        )
        .with_role("admin")
        .values_list("user_id", flat=True)
    )
    subscriptions = [s for s in subscriptions if s.user_id in admins]
    if not subscriptions:
        return 0
    end = today - datetime.timedelta(days=1)
    filters = Filters(start=end - datetime.timedelta(days=6), end=end, period="7")
    data = dashboard(organization=organization, filters=filters)
    lines = headlines(data)
    url = settings.SITE_URL + reverse("analytics_dashboard", kwargs={"org_slug": organization.slug})
    context = {
        "organization": organization,
        "filters": filters,
        "lines": lines,
        "moves": _moves(lines),
        "currency": data["config"]["currency"],
        "silent": data["teams"]["silent"],
        "url": f"{url}?period=custom&start={filters.start}&end={filters.end}",
    }
    body = mail.render_text("analytics/email/weekly_summary.txt", context)
    subject = f"{organization.name}: advocacy this week ({filters.start:%-d %b} – {filters.end:%-d %b})"
    mails = [mail.Mail(to=s.user.email, subject=subject, body=body, kind="analytics_summary") for s in subscriptions]
    mail.queue(organization, mails)
    SummarySubscription.objects.filter(pk__in=[s.pk for s in subscriptions]).update(last_week=monday)
    return len(mails)
