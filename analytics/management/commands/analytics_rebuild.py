"""Rebuild the analytics rollups of one organization (or every one) for a date range:

    manage.py analytics_rebuild acme --start 2026-09-01 --end 2026-11-30
    manage.py analytics_rebuild --all --days 92

Idempotent: days are recomputed from the sources and only the differences written."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Organization
from analytics.selectors import local_today, organization_zone
from analytics.services import rollup_range


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = "Rebuild the analytics rollups for a date range (days in each organization's time zone)."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="organizations (slugs)")
        parser.add_argument("--all", action="store_true", help="every organization")
        parser.add_argument("--start", help="first day, YYYY-MM-DD")
        parser.add_argument("--end", help="last day, YYYY-MM-DD (default: today)")
        parser.add_argument("--days", type=int, default=92, help="without --start: this many days up to --end")

    def handle(self, *args, slugs, all, start, end, days, **options):
        if not slugs and not all:
            raise CommandError("Name organizations by slug, or pass --all.")
        organizations = Organization.objects.order_by("pk")
        if not all:
            organizations = organizations.filter(slug__in=slugs)
            missing = set(slugs) - set(organizations.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"No organization {', '.join(sorted(missing))}")
        for organization in organizations:
            with organization_scope(organization):
                today = local_today(organization_zone(organization))
            last = _date(end) if end else today
            first = _date(start) if start else last - datetime.timedelta(days=days - 1)
            if first > last:
                raise CommandError("--start is after --end")
            written = rollup_range(organization=organization, start=first, end=last)
            self.stdout.write(f"{organization.slug}: {first} to {last}, {written} rows written")
