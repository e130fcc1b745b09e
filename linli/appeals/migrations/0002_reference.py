from django.db import migrations

from linli.appeals.reference import load_reference


def load(apps, schema_editor):
    load_reference(apps.get_model("appeals", "Category"), apps.get_model("appeals", "DueRule"))


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
