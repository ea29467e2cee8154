"""The audit log distributable by organization: primary key (organization_id, id)."""

from django.db import migrations

from advocacy.core.distribution import DistributeTables


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [DistributeTables("auditevent")]
