"""Policy tables distributable by organization: primary keys (organization_id, id) and composite foreign keys."""

from django.db import migrations

from advocacy.core.distribution import DistributeTables


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0004_foreign_keys_composite_ready"),
        ("tenancy", "0004_distributable"),
    ]

    operations = [
        DistributeTables(
            "policy",
            "policyteam",
            "policyversion",
            "versionreview",
            "quizattempt",
            "acknowledgement",
            "reminderlog",
            "policyquestion",
        ),
    ]
