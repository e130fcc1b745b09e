from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "linli.reports"
    label = "reports"
    verbose_name = "措施、指标与报告"

    def ready(self) -> None:
        from linli.core import dashboard, indicators, seed
        from linli.reports import manual, round_todos, seeds

        indicators.register_provider(manual.manual_indicators)
        seed.register(seeds.seed_reports, order=60)
        dashboard.register_todo(round_todos.review_todo, order=15)
        dashboard.register_todo(round_todos.submit_todo, order=16)
