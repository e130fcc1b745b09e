from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from linli.accounts.access import access_for
from linli.accounts.models import Membership, User
from linli.accounts.roles import Perm
from linli.core.errors import NotFound
from linli.regions.models import PROVINCE_CODE


def user_list(*, actor, q: str = "", role: str = "", region_code: str = "") -> QuerySet[User]:
    """Users an administrator manages: those with a membership inside the admin's scope
    (and, for a province-wide administrator, those with none yet)."""
    access = access_for(actor)
    if not access.can(Perm.MANAGE_USERS):
        return User.objects.none()
    in_scope = Membership.objects.filter(access.region_q(), user=OuterRef("pk"))
    visible = Q(Exists(in_scope))
    if access.covers(PROVINCE_CODE):
        visible |= ~Q(Exists(Membership.objects.filter(user=OuterRef("pk"))))
    users = User.objects.filter(visible)
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q)
                             | Q(phone__icontains=q))
    if role:
        users = users.filter(Exists(Membership.objects.filter(
            user=OuterRef("pk"), role=role, is_active=True)))
    if region_code:
        users = users.filter(Exists(Membership.objects.filter(
            user=OuterRef("pk"), region_code__startswith=region_code, is_active=True)))
    active = Membership.objects.filter(is_active=True).select_related("region")
    return users.prefetch_related(Prefetch("memberships", queryset=active,
                                           to_attr="active_memberships")).order_by("username")


def user_get(*, actor, pk: int) -> User:
    user = user_list(actor=actor).filter(pk=pk).first()
    if user is None:
        raise NotFound()
    return user


def membership_get(*, actor, user: User, pk: int) -> Membership:
    membership = access_for(actor).filter(Membership.objects.filter(user=user, pk=pk)).first()
    if membership is None:
        raise NotFound()
    return membership
