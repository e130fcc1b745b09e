from django.dispatch import receiver

from linli.people.signals import people_changed
from linli.visits.services import schedules_refresh


@receiver(people_changed)
def _refresh(sender, person_ids, **kwargs):
    schedules_refresh(person_ids)
