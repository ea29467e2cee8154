"""humanize's `naturaltime` in English, for lists that show it per row (the feed's cards): the same
words and the same calendar arithmetic as Django's (django.utils.timesince), without its lazy
translation strings (a sixth of the cost). tests/core/test_humanize.py compares the two over years of
past and future times."""

from __future__ import annotations

import datetime

_MONTHS_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_UNITS = ("year", "month", "week", "day", "hour", "minute")
_CHUNKS = (60 * 60 * 24 * 7, 60 * 60 * 24, 60 * 60, 60)


def _plural(count: int, unit: str) -> str:
    return f"{count}\xa0{unit}" if count == 1 else f"{count}\xa0{unit}s"


def _timesince(d: datetime.datetime, now: datetime.datetime, reversed: bool = False) -> str:  # noqa: A002
    """django.utils.timesince.timesince(d, now, reversed) with depth 2."""
    if d.tzinfo is not None and now.tzinfo is not None:
        now = now.astimezone(d.tzinfo)
    if reversed:
        d, now = now, d
    delta = now - d
    if delta.days * 86400 + delta.seconds <= 0:
        return "0\xa0minutes"
    total_months = (now.year - d.year) * 12 + (now.month - d.month)
    if d.day > now.day or (d.day == now.day and d.time() > now.time()):
        total_months -= 1
    years, months = divmod(total_months, 12)
    if years or months:
        pivot_year = d.year + years
        pivot_month = d.month + months
        if pivot_month > 12:
            pivot_month -= 12
            pivot_year += 1
        pivot = datetime.datetime(
            pivot_year,
            pivot_month,
            min(_MONTHS_DAYS[pivot_month - 1], d.day),
            d.hour,
            d.minute,
            d.second,
            tzinfo=d.tzinfo,
        )
    else:
        pivot = d
    remaining = (now - pivot).total_seconds()
    partials = [years, months]
    for chunk in _CHUNKS:
        count = int(remaining // chunk)
        partials.append(count)
        remaining -= chunk * count
    i = next((index for index, value in enumerate(partials) if value), None)
    if i is None:
        return "0\xa0minutes"
    result = []
    while i < len(_UNITS) and len(result) < 2 and partials[i]:
        result.append(_plural(partials[i], _UNITS[i]))
        i += 1
    return ", ".join(result)


def natural_time(value: datetime.datetime, now: datetime.datetime) -> str:
    """What `{{ value|naturaltime }}` shows at the moment `now`: "3 hours ago", "2 weeks, 1 day ago"."""
    if value < now:
        delta = now - value
        if delta.days != 0:
            return f"{_timesince(value, now)} ago"
        ago = True
    else:
        delta = value - now
        if delta.days != 0:
            return f"{_timesince(value, now, reversed=True)} from now"
        ago = False
    seconds = delta.seconds
    if seconds == 0:
        return "now"
    suffix = "ago" if ago else "from now"
    if seconds < 60:
        return f"a second {suffix}" if seconds == 1 else f"{seconds}\xa0seconds {suffix}"
    if seconds // 60 < 60:
        minutes = seconds // 60
        return f"a minute {suffix}" if minutes == 1 else f"{minutes}\xa0minutes {suffix}"
    hours = seconds // 3600
    return f"an hour {suffix}" if hours == 1 else f"{hours}\xa0hours {suffix}"
