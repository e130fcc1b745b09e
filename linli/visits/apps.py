from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "linli.visits"
    label = "visits"
    verbose_name = "探访"

    def ready(self) -> None:
        from linli.core import dashboard, sections, seed
        from linli.visits import cards, seeds, signals  # noqa: F401  (signals connects)

        care = dashboard.Topic.CARE
        dashboard.register(cards.visit_rate_card, order=31, topic=care)
        dashboard.register(cards.worklist_card, order=32, topic=care)
        dashboard.register(cards.visit_rate_chart, order=92, topic=care)
        dashboard.register_todo(cards.overdue_todo, order=10)
        dashboard.register_todo(cards.week_todo, order=11)
        seed.register(seeds.seed_visits, order=40)
        sections.register("person", cards.person_visits, order=10)
