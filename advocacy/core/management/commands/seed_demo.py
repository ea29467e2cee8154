from django.conf import settings
from django.core.management.base import BaseCommand

from advocacy.demo import DEMO_LOGINS, seed_all


class Command(BaseCommand):
    help = "Create (or bring up to date) the demo organizations acme and globex. Safe to run twice."

    def handle(self, *args, **options):
        demos = seed_all()
        for demo in demos:
            people = len(demo.people["employees"]) + len(DEMO_LOGINS)
            self.stdout.write(f"Organization {demo.organization.slug}: {people} people")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with any of:"))
        for demo in demos:
            for key in DEMO_LOGINS:
                self.stdout.write(f"  {key}@{demo.organization.slug}.example")
        self.stdout.write(f"Password: {settings.DEMO_PASSWORD}")
