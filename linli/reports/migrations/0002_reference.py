from django.db import migrations

from linli.reports.reference import load_reference


def load(apps, schema_editor):
    load_reference(apps.get_model("reports", "Measure"), apps.get_model("reports", "Target"),
                   apps.get_model("reports", "ManualIndicator"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
