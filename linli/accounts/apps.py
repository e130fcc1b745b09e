from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "linli.accounts"
    label = "accounts"
    verbose_name = "用户与授权"

    def ready(self) -> None:
        from linli.accounts import seeds, signals  # noqa: F401  (receivers)
        from linli.core import seed

        seed.register(seeds.seed_accounts, order=5)
