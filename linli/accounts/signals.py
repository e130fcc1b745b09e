"""A change of a user, a membership or a token forgets the cached state of the user's
tokens, so a revoked token or a withdrawn role stops working on the next request."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from linli.accounts.models import ApiToken, Membership, User
from linli.accounts.services import tokens_forget


@receiver([post_save, post_delete], sender=User)
def _user_changed(sender, instance, **kwargs):
    tokens_forget(instance.pk)


@receiver([post_save, post_delete], sender=Membership)
@receiver([post_save, post_delete], sender=ApiToken)
def _user_part_changed(sender, instance, **kwargs):
    tokens_forget(instance.user_id)
