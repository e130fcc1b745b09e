"""Filings of a kind the workflow does not know (an API that once took any string made
them) are withdrawn, so each stops blocking its organisation's next filing. They are kept,
with a withdrawal event by their submitter saying why: records are closed, never deleted."""

from django.db import migrations
from django.utils import timezone

KINDS = ("establish", "change", "deregister")
OPEN = ("submitted", "returned")


def withdraw_unknown(apps, schema_editor):
    Filing = apps.get_model("orgs", "Filing")
    FilingEvent = apps.get_model("orgs", "FilingEvent")
    now = timezone.now()
    for filing in Filing.objects.filter(status__in=OPEN).exclude(kind__in=KINDS).iterator():
        before = filing.status
        filing.status = "withdrawn"
        filing.save(update_fields=["status"])
        FilingEvent.objects.create(
            filing=filing, actor_id=filing.submitted_by_id, at=now, action="withdraw",
            from_status=before, to_status="withdrawn",
            comment=f"系统清理:备案事项“{filing.kind[:32]}”无法识别,自动撤回")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0003_historicalvolunteer_user_volunteer_user")]
    operations = [migrations.RunPython(withdraw_unknown, migrations.RunPython.noop)]
