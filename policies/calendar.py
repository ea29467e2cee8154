"""Workshops as iCalendar files (RFC 5545), built with the `icalendar` package: one file per workshop and a feed
of a member's registrations. Times carry their time zone (TZID with its VTIMEZONE, generated from the zone
database), the UID never changes for a workshop, and SEQUENCE goes up with every change, so calendar
programs replace the event they hold; a cancelled workshop is sent with STATUS:CANCELLED."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event

from .models import Workshop

PRODID = "-//Advocacy//Workshops//EN"


def workshop_uid(workshop: Workshop) -> str:
    host = urlparse(settings.SITE_URL).hostname or "advocacy.local"
    return f"workshop-{workshop.organization_id}-{workshop.pk}@{host}"


def _event(workshop: Workshop, url: str) -> Event:
    zone = ZoneInfo(workshop.time_zone)
    start = workshop.starts_at.astimezone(zone)
    event = Event()
    event.add("uid", workshop_uid(workshop))
    event.add("sequence", workshop.sequence)
    event.add("dtstamp", workshop.updated_at)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=workshop.duration_minutes))
    event.add("summary", workshop.title)
    description = "\n\n".join(part for part in (workshop.description, workshop.video_url, url) if part)
    if description:
        event.add("description", description)
    location = workshop.location or workshop.video_url
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    event.add("status", "CANCELLED" if workshop.status == Workshop.Status.CANCELLED else "CONFIRMED")
    return event


def calendar_bytes(workshops: Iterable[Workshop], url_of, *, name: str = "") -> bytes:
    """An iCalendar file with one event per workshop (`url_of(workshop)` is its page's address)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for workshop in workshops:
        calendar.add_component(_event(workshop, url_of(workshop)))
    calendar.add_missing_timezones()
    return calendar.to_ical()
