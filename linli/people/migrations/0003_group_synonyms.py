from django.db import migrations, models

from linli.people.groups import load_groups


def seed(apps, schema_editor):
    load_groups(apps.get_model("people", "Group"))


class Migration(migrations.Migration):
    dependencies = [("people", "0002_groups")]
    operations = [
        migrations.AddField(
            model_name="group", name="synonyms",
            field=models.TextField(
                blank=True, verbose_name="本地写法",
                help_text="花名册中代表本类别的其他写法,每行一个(如“留守儿童”“五保户”)。"
                          "写法后括号中的原因(如“困境儿童(因父母重病)”)导入时自动识别,不必列出。")),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
