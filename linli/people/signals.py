"""Signals other apps listen to (the people app depends on none of them)."""

from django.dispatch import Signal

# Sent with person_ids=[...] after groups, risk or status of these people changed.
people_changed = Signal()
