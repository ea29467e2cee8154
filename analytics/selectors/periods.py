"""The period and filters a dashboard is read for, and the period before it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy as _

PERIODS = {
    "7": _("Last 7 days"),
    "30": _("Last 30 days"),
    "90": _("Last 90 days"),
    "quarter": _("This quarter"),
    "custom": _("Custom"),
}
DEFAULT_PERIOD = "30"
MAX_DAYS = 366
WEEKLY_AFTER = 45  # longer periods are shown by week


@dataclass(frozen=True)
class Filters:
    start: datetime.date
    end: datetime.date
    period: str = DEFAULT_PERIOD
    team_id: int | None = None
    campaign_id: int | None = None
    network: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def by_week(self) -> bool:
        return self.days > WEEKLY_AFTER

    def previous(self) -> Filters:
        """The same number of days just before."""
        end = self.start - datetime.timedelta(days=1)
        return replace(self, start=end - datetime.timedelta(days=self.days - 1), end=end)

    def key(self) -> tuple:
        return (self.start.isoformat(), self.end.isoformat(), self.team_id or 0, self.campaign_id or 0, self.network)


def period_dates(period: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """[start, end] of a named period ending today (the quarter: from its first day)."""
    if period == "quarter":
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today
    return today - datetime.timedelta(days=int(period) - 1), today


def default_filters(today: datetime.date) -> Filters:
    start, end = period_dates(DEFAULT_PERIOD, today)
    return Filters(start=start, end=end)
