from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "linli.care"
    label = "care"
    verbose_name = "服务与助餐"

    def ready(self) -> None:
        from linli.care import panels
        from linli.core import sections

        sections.register("person", panels.person_services, order=20)
