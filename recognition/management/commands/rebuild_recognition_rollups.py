"""Rebuild the leaderboards' rollups (points per member per day, all-time totals) from the points ledger."""

from django.core.management.base import BaseCommand, CommandError

from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Organization
from recognition.services import rollups_rebuild


class Command(BaseCommand):
    help = "Rebuild the recognition rollups from the points ledger, for one organization or all."

    def add_arguments(self, parser):
        parser.add_argument("--organization", metavar="SLUG", help="only this organization (default: every one)")

    def handle(self, *args, organization=None, **options):
        organizations = Organization.objects.order_by("pk")
        if organization:
            organizations = organizations.filter(slug=organization)
            if not organizations.exists():
                raise CommandError(f"No organization with the slug {organization!r}.")
        for org in organizations:
            with organization_scope(org):
                members = rollups_rebuild(organization=org)
            self.stdout.write(f"{org.slug}: rollups rebuilt, {members} members with points")
