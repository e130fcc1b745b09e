from django.core.management.base import BaseCommand

from linli.orgs.notices import overdue_reviews_send


class Command(BaseCommand):
    help = "每日备案审核提醒:提醒备案机关审核已超过审核期限的备案申请(可由 cron 每天运行)。"

    def handle(self, *args, **options):
        self.stdout.write(f"逾期备案提醒 {overdue_reviews_send()} 件")
