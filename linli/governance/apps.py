from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "linli.governance"
    label = "governance"
    verbose_name = "议事协商"
