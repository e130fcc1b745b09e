from django.db import migrations


class Migration(migrations.Migration):
    """The rows were copied to core.Notification (core 0007) before the table goes."""

    dependencies = [
        ('visits', '0004_schedule_due_region'),
        ('core', '0007_notification_from_visits'),
    ]

    operations = [
        migrations.DeleteModel(
            name='Notification',
        ),
    ]
