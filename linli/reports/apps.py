from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "linli.reports"
    label = "reports"
    verbose_name = "措施、指标与报告"

    def ready(self) -> None:
        from linli.core import indicators, seed
        from linli.reports import manual, seeds

        indicators.register_provider(manual.manual_indicators)
        seed.register(seeds.seed_reports, order=60)
