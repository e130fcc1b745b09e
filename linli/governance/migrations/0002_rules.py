from django.db import migrations


def load(apps, schema_editor):
    from linli.governance.reference import load_rules

    load_rules(apps.get_model("governance", "QuorumRule"))


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
