from django.db import migrations

from linli.people.groups import GROUPS


def add(apps, schema_editor):
    Group = apps.get_model("people", "Group")
    by_code = {}
    for order, (code, name, parent, domain, needs) in enumerate(GROUPS, start=1):
        group, _ = Group.objects.update_or_create(code=code, defaults={
            "name": name, "domain": domain, "needs_criterion": needs, "order": order,
            "parent": by_code.get(parent)})
        by_code[code] = group


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
