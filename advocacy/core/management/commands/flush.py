"""`flush`, as the owner role (MIGRATE_DATABASE_URL): it empties every table with TRUNCATE, which the
runtime role may not do (advocacy/core/roles.py). The test suite's transactional tests end with it."""

from django.core.management.commands.flush import Command as DjangoFlush

from advocacy.core.roles import as_owner


class Command(DjangoFlush):
    help = f"{DjangoFlush.help} Connects as the owner role (MIGRATE_DATABASE_URL)."

    def handle(self, *args, **options):
        with as_owner(options["database"]):
            super().handle(*args, **options)
