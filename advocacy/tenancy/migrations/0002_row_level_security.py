from django.db import migrations

from advocacy.tenancy.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0001_initial")]

    operations = [
        EnableRowLevelSecurity("team"),
        EnableRowLevelSecurity("membership", readable_by_own_user=True),
        EnableRowLevelSecurity("invitation"),
        EnableRowLevelSecurity("rosterimport"),
    ]
