from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "linli.care"
    label = "care"
    verbose_name = "服务与助餐"

    def ready(self) -> None:
        from linli.care import cards, panels, seeds
        from linli.core import dashboard, sections, seed

        dashboard.register(cards.services_card, order=33, topic=dashboard.Topic.CARE)
        sections.register("person", panels.person_services, order=20)
        seed.register(seeds.seed_care, order=45)
