"""Re-encrypt every stored secret with the newest key of TOKEN_ENCRYPTION_KEYS (advocacy.core.secrets).

Every model field whose name ends in `_encrypted` is a secret; tenant tables are walked one organization at a
time (row-level security shows one at a time), in batches, each row updated only when its text changes. Run
after putting a new key first; drop the old key once it has run."""

from django.apps import apps
from django.core.management.base import BaseCommand

from advocacy.core import secrets
from advocacy.tenancy.context import organization_scope
from advocacy.tenancy.models import Organization, TenantModel

BATCH = 500


def secret_fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if f.name.endswith("_encrypted")]


def rotate_rows(manager, fields: list[str]) -> int:
    changed = 0
    rows = list(manager.only("pk", *fields).order_by("pk"))
    for start in range(0, len(rows), BATCH):
        batch = []
        for row in rows[start : start + BATCH]:
            new = {name: secrets.rotate(getattr(row, name)) for name in fields}
            if any(getattr(row, name) != value for name, value in new.items()):
                for name, value in new.items():
                    setattr(row, name, value)
                batch.append(row)
        if batch:
            manager.bulk_update(batch, fields)
            changed += len(batch)
    return changed


class Command(BaseCommand):
    help = "Re-encrypt every stored secret (fields named *_encrypted) with the newest token encryption key."

    def handle(self, *args, **options):
        models = [m for m in apps.get_models() if secret_fields(m) and not m._meta.proxy]
        total = 0
        for model in models:
            fields = secret_fields(model)
            if issubclass(model, TenantModel):
                for organization in Organization.objects.order_by("pk"):
                    with organization_scope(organization):
                        total += rotate_rows(model.objects, fields)
            else:
                total += rotate_rows(model._default_manager, fields)
        self.stdout.write(f"Re-encrypted {total} row(s) with the newest key.")
