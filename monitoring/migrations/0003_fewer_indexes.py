# The lexicon-version indexes go: rescoring walks the rows in id order (the primary key's index), and every
# index is paid for on each pulled page's insert (bench/intake.py).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0002_rule_kind_competitor"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="post", name="post_org_lexicon"),
        migrations.RemoveIndex(model_name="mention", name="mention_org_lexicon"),
    ]
