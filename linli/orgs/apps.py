from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "linli.orgs"
    label = "orgs"
    verbose_name = "社会组织"

    def ready(self) -> None:
        from linli.core import dashboard, seed
        from linli.orgs import cards, importers, seeds  # noqa: F401  (importers registers)

        topic = dashboard.Topic.ORGANISATIONS
        dashboard.register(cards.organisations_card, order=20, topic=topic)
        dashboard.register(cards.stations_card, order=21, topic=dashboard.Topic.SOCIAL_WORK)
        dashboard.register(cards.filings_card, order=22, topic=topic)
        dashboard.register(cards.filings_chart_card, order=91, topic=topic)
        dashboard.register_todo(cards.review_todo, order=20)
        dashboard.register_todo(cards.returned_todo, order=21)
        seed.register(seeds.seed_orgs, order=20)
