from django.core.management.base import BaseCommand

from linli.regions.services import regions_load


class Command(BaseCommand):
    help = "载入青海省行政区划(国家统计局 2023 年统计用区划代码);可重复运行。"

    def handle(self, *args, **options):
        result = regions_load()
        self.stdout.write(f"新增 {result.created},更新 {result.updated},共 {result.total}")
