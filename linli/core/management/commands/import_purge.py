from django.core.management.base import BaseCommand

from linli.core.importing import import_purge


class Command(BaseCommand):
    help = ("每日清理导入文件:删除超过保存期限(LINLI_IMPORT_RETENTION_DAYS)的上传文件,"
            "终止超过一天没有进展的检查或导入(可由 cron 每天运行)。")

    def handle(self, *args, **options):
        purged = import_purge()
        self.stdout.write(f"过期文件 {purged['expired']},终止中断任务 {purged['stuck']},"
                          f"其他遗留文件 {purged['other']}")
