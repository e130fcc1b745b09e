from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "linli.appeals"
    label = "appeals"
    verbose_name = "诉求与转介"

    def ready(self) -> None:
        from linli.appeals import cards, seeds
        from linli.core import dashboard, sections, seed

        dashboard.register_todo(cards.overdue_todo, order=20)
        dashboard.register_todo(cards.to_take_todo, order=21)
        dashboard.register_todo(cards.pending_todo, order=22)
        seed.register(seeds.seed_appeals, order=70)
        sections.register("person", cards.person_appeals, order=15)
