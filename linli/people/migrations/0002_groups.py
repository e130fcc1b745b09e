from django.db import migrations

from linli.people.groups import load_groups


def add(apps, schema_editor):
    load_groups(apps.get_model("people", "Group"))


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
