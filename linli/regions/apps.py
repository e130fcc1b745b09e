from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "linli.regions"
    label = "regions"
    verbose_name = "行政区划"

    def ready(self) -> None:
        from linli.core import dashboard, seed
        from linli.regions import cards, services

        dashboard.register(cards.region_card, order=10)
        dashboard.register(cards.village_chart_card, order=90)
        seed.register(services.seed_regions, order=0)
