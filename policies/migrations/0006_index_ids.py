"""Policies: a plain index on `id` beside the primary key (organization_id, id), so Django's joins by id
stay index look-ups (advocacy.core.distribution.IndexIds; fresh databases got it from DistributeTables)."""

from django.db import migrations

from advocacy.core.distribution import IndexIds


class Migration(migrations.Migration):
    dependencies = [("policies", "0005_distributable")]

    operations = [
        IndexIds(
            "policy",
            "policyteam",
            "policyversion",
            "versionreview",
            "quizattempt",
            "acknowledgement",
            "reminderlog",
            "policyquestion",
        )
    ]
