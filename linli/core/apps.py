from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "linli.core"
    label = "core"
    verbose_name = "平台"

    def ready(self) -> None:
        from linli.core import checks  # noqa: F401  (registers the deployment checks)
