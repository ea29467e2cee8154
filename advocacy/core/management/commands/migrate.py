"""`migrate`, as the owner role (MIGRATE_DATABASE_URL), then the runtime role's privileges
(advocacy/core/roles.py)."""

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

from advocacy.core.roles import after_migrate, as_owner


class Command(DjangoMigrate):
    help = (
        f"{DjangoMigrate.help} Connects as the owner role (MIGRATE_DATABASE_URL) and, once migrated, grants "
        "the runtime role (DATABASE_URL) what the application needs."
    )

    def handle(self, *args, **options):
        using = options["database"]
        with as_owner(using):
            super().handle(*args, **options)
            if not (options["plan"] or options["check_unapplied"]):
                after_migrate(connections[using])
