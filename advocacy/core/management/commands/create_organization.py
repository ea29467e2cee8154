"""`manage.py create_organization "Initech" --slug initech --admin-email boss@initech.example`: a new
organization whose first admin is invited by email (they create their account from the invitation and
invite everyone else). Also in the operator's Django admin: adding an organization asks for that address."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from advocacy.tenancy.services import organization_start


class Command(BaseCommand):
    help = "Create an organization and invite its first admin by email."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the organization's name, as its members will see it")
        parser.add_argument("--slug", default="", help="its address /o/<slug>/ (default: from the name)")
        parser.add_argument("--admin-email", required=True, help="who is invited as its first admin")

    def handle(self, *args, name, slug, admin_email, **options):
        if not name.strip():
            raise CommandError("Give the organization a name.")
        try:
            organization, invitation, _raw = organization_start(name=name, slug=slug, first_admin_email=admin_email)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {organization.name} at /o/{organization.slug}/. "
                f"An invitation to be its admin went to {invitation.email} (valid until "
                f"{invitation.expires_at:%Y-%m-%d})."
            )
        )
