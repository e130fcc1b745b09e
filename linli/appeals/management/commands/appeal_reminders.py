from django.core.management.base import BaseCommand

from linli.appeals.reminders import reminders_send


class Command(BaseCommand):
    help = "每日诉求提醒:超过本环节时限的诉求,提醒应办理的单位,并告知其上一级(可由 cron 每天运行)。"

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(f"逾期诉求 {sent['appeals']},提醒办理人员 {sent['acting']},"
                          f"告知上级 {sent['above']}")
