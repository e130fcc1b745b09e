from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "linli.orgs"
    label = "orgs"
    verbose_name = "社会组织"

    def ready(self) -> None:
        from linli.core import dashboard, seed
        from linli.orgs import cards, importers, seeds  # noqa: F401  (importers registers)

        dashboard.register(cards.organisations_card, order=20)
        dashboard.register(cards.stations_card, order=21)
        dashboard.register(cards.filings_card, order=22)
        dashboard.register(cards.filings_chart_card, order=91)
        seed.register(seeds.seed_orgs, order=20)
