from django.db import migrations

from linli.orgs.target_groups import load_target_groups


def add(apps, schema_editor):
    load_target_groups(apps.get_model("orgs", "TargetGroup"))


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
