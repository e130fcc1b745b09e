from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "linli.people"
    label = "people"
    verbose_name = "关爱对象"

    def ready(self) -> None:
        from linli.core import dashboard, seed
        from linli.people import cards, importers, seeds  # noqa: F401  (importers registers)

        dashboard.register(cards.people_card, order=30, topic=dashboard.Topic.CARE)
        dashboard.register_todo(cards.to_complete_todo, order=30)
        seed.register(seeds.seed_people, order=30)
