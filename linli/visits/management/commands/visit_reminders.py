from django.core.management.base import BaseCommand

from linli.visits.services import reminders_send


class Command(BaseCommand):
    help = "每日探访提醒:提醒探访人本周应访对象,提醒督导人员逾期未访对象(可由 cron 每天运行)。"

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(f"探访人提醒 {sent['visitors']},督导提醒 {sent['supervisors']},"
                          f"短信 {sent['sms']},重新计算探访计划 {sent['refreshed']}")
