from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "linli.visits"
    label = "visits"
    verbose_name = "探访"

    def ready(self) -> None:
        from linli.core import dashboard, sections, seed
        from linli.visits import cards, seeds, signals  # noqa: F401  (signals connects)

        dashboard.register(cards.visit_rate_card, order=31)
        dashboard.register(cards.worklist_card, order=32)
        dashboard.register(cards.visit_rate_chart, order=92)
        seed.register(seeds.seed_visits, order=40)
        sections.register("person", cards.person_visits, order=10)
