"""`manage.py generate_scale_data --employees N [--orgs M]`: data at scale for benchmarks.

Runs the scale steps every installed app declares (AppRegistration.scale_steps, see
advocacy/core/scale.py), in INSTALLED_APPS order, each inside the organization's scope. Totals
are topped up: running twice with the same numbers adds nothing; a bigger number adds the difference.
"""

import time

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand

from advocacy.core.registry import scale_steps
from advocacy.core.scale import ScaleContext
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Organization


class Command(BaseCommand):
    help = (
        "Add generated members (in teams), small organizations and, from later apps, more data to an "
        "organization (default acme) for benchmarks. Tops up to the given totals; never deletes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organization", default="acme", help="slug of the organization (created if missing)")
        for _path, step in scale_steps():
            for opt in getattr(step, "scale_options", ()):
                parser.add_argument(*opt.flags, **opt.kwargs)

    def handle(self, *args, **options):
        slug = options["organization"]
        organization, created = Organization.objects.get_or_create(
            slug=slug, defaults={"name": "Acme Corporation" if slug == "acme" else slug.replace("-", " ").title()}
        )
        if created:
            self.stdout.write(f"created organization {slug}")
        # Hashed once: every generated person gets the demo password without 10,000 hashings.
        ctx = ScaleContext(options=options, password_hash=make_password(settings.DEMO_PASSWORD), log=self.stdout.write)
        started = time.monotonic()
        for path, step in scale_steps():
            step_started = time.monotonic()
            with organization_scope(organization):
                step(organization, ctx)
            if options["verbosity"] > 1:
                self.stdout.write(f"  {path}: {time.monotonic() - step_started:.1f}s")
        self.stdout.write(self.style.SUCCESS(f"Scale data ready in {time.monotonic() - started:.1f}s."))
