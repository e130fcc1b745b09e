from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "linli.appeals"
    label = "appeals"
    verbose_name = "诉求与转介"
