from django.core.management.base import BaseCommand

from linli.reports.round_notices import report_reminders_send


class Command(BaseCommand):
    help = ("每日总结报告截止提醒:截止前 7 天、前 1 天和逾期时各提醒一次尚未报送的单位"
            "(可由 cron 每天运行)。")

    def handle(self, *args, **options):
        self.stdout.write(f"总结报告截止提醒 {report_reminders_send()} 份")
