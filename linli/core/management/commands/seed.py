import time

from django.core.management.base import BaseCommand

from linli.accounts.seeds import demo_accounts_text
from linli.core import seed


class Command(BaseCommand):
    help = "载入演示数据(demo)或省级规模数据(province);可重复运行,不会重复插入。"

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=seed.SIZES, default="demo")
        parser.add_argument("--quiet-accounts", action="store_true",
                            help="不打印演示账户")

    def handle(self, *args, size: str, quiet_accounts: bool, **options):
        started = time.perf_counter()
        seed.run(size=size, stdout=self.stdout)
        self.stdout.write(f"完成({size}),用时 {time.perf_counter() - started:.1f} 秒")
        if not quiet_accounts:
            self.stdout.write(demo_accounts_text())
