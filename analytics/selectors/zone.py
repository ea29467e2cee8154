"""The organization's time zone (content_library's sharing settings hold it) and its calendar days."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

from content_library.selectors import settings_for


def organization_zone(organization) -> ZoneInfo:
    try:
        return ZoneInfo(settings_for(organization).timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_today(zone: ZoneInfo, now: datetime.datetime | None = None) -> datetime.date:
    return (now or timezone.now()).astimezone(zone).date()


def day_bounds(start: datetime.date, end: datetime.date, zone: ZoneInfo) -> tuple[datetime.datetime, datetime.datetime]:
    """[first instant of `start`, first instant after `end`) in the zone."""
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    high = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return low, high
