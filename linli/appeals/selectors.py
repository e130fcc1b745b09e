"""Reads of appeals, cut to the actor's scope as people are (``people.selectors.visible``
over the scope fields an appeal copies), plus what was referred to the actor's
organisation; the work lists; the due rules."""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from linli.accounts.access import access_for
from linli.accounts.roles import Perm
from linli.appeals.models import (
    OPEN_STATUSES,
    Appeal,
    AppealStatus,
    DueRule,
    Force,
    Referral,
    ReferralStatus,
)
from linli.core.bounds import is_ascii_number
from linli.core.errors import NotFound
from linli.people.selectors import visible
from linli.regions.models import Level, Region


def appeals_visible(actor, within: str = "") -> QuerySet[Appeal]:
    return visible(Appeal.objects.all(), actor, within=within,
                   also_organisation="handling_organisation_id")


def appeal_get(*, actor, pk: int) -> Appeal:
    found = (appeals_visible(actor).filter(pk=pk)
             .select_related("category", "region", "person", "organisation",
                             "handling_organisation", "created_by").first())
    if found is None:
        raise NotFound()
    return found


# --- the public pages: no login, nothing personal -------------------------------------------

def public_village(code: str) -> Region | None:
    """The village (社区 or 村) a public form is for; None for any other code."""
    if not (is_ascii_number(code) and len(code) == 12):
        return None
    return Region.objects.filter(code=code, level=Level.VILLAGE).first()


def place_name(village: Region) -> str:
    """The village with its county and township, as a notice board would name it."""
    above = dict(Region.objects.filter(code__in=village.ancestor_codes()[2:])
                 .values_list("code", "name"))
    return " ".join([*(above[c] for c in sorted(above)), village.name])


@dataclass(frozen=True)
class PublicStatus:
    """What a tracking code shows: the status, the category, the village and the dates."""

    status: str
    category: str
    village: str
    raised_on: date
    changed_on: date
    finished: bool


def public_status(code: str) -> PublicStatus | None:
    code = code.strip().upper()
    found = (Appeal.objects.filter(code=code).select_related("category", "region").first()
             if code.isascii() and code.isalnum() else None)
    if found is None:
        return None
    return PublicStatus(found.get_status_display(), found.category.name, found.region.name,
                        timezone.localdate(found.created_at),
                        timezone.localdate(found.updated_at),
                        found.status in (AppealStatus.DONE, AppealStatus.FOLLOWED_UP,
                                         AppealStatus.CLOSED))


def visit_for_intake(*, actor, pk: str):
    """The visit an appeal is raised from, when the actor sees its person (None otherwise,
    or for an id that is not one)."""
    from linli.visits.models import Visit

    try:
        found = uuid.UUID(str(pk))
    except ValueError:
        return None
    return (visible(Visit.objects.filter(pk=found), actor, "person__")
            .select_related("visitor").first())


def appeals_of(*, actor, person) -> QuerySet[Appeal]:
    return (appeals_visible(actor).filter(person=person).select_related("category")
            .prefetch_related("referrals__to_region", "referrals__to_force")
            .order_by("-created_at", "-id"))


def open_referral(appeal: Appeal) -> Referral | None:
    """The referral waiting for or taken by its unit (at most one at a time)."""
    return (appeal.referrals.filter(status__in=(ReferralStatus.WAITING, ReferralStatus.TAKEN))
            .select_related("to_region", "to_force", "assistance").first())


def is_registering_side(actor, appeal: Appeal) -> bool:
    """Staff of the place the appeal is about (the village up to the province), or of the
    organisation that registered it, with the right to edit."""
    access = access_for(actor)
    mine = appeal.organisation_id is not None and appeal.organisation_id in access.organisation_ids
    return access.can(Perm.EDIT) and (access.covers(appeal.region_code) or mine)


def is_referral_unit(actor, referral: Referral) -> bool:
    """Staff of the unit the referral went to: the region's civil-affairs office (its own
    level: a county's staff, not the village's), or the force's organisation."""
    access = access_for(actor)
    if not access.can(Perm.EDIT):
        return False
    if referral.to_force_id:
        organisation = referral.to_force.organisation_id
        return organisation is not None and organisation in access.organisation_ids
    return any(m.region_code == referral.to_region_code for m in access.memberships)


# --- work lists -------------------------------------------------------------------------------

class Tab:
    PENDING = "pending"  # 待受理
    TO_TAKE = "to_take"  # 待接收 (referred to the actor's unit)
    IN_HAND = "in_hand"  # 办理中
    OVERDUE = "overdue"  # 逾期
    FOLLOW_UP = "follow_up"  # 待回访
    ALL = "all"


TABS = (Tab.PENDING, Tab.TO_TAKE, Tab.IN_HAND, Tab.OVERDUE, Tab.FOLLOW_UP, Tab.ALL)


def to_take_q(access) -> Q:
    """Appeals with a waiting referral to the actor's own unit (region office or force)."""
    units = Q(pk__in=[])
    regions = sorted({m.region_code for m in access.memberships if m.region_code})
    if regions:
        units |= Q(to_region_code__in=regions)
    if access.organisation_ids:
        units |= Q(to_force__organisation_id__in=sorted(access.organisation_ids))
    waiting = Referral.objects.filter(units, status=ReferralStatus.WAITING)
    return Q(pk__in=waiting.values("appeal_id"))


def work_list(*, actor, tab: str = Tab.PENDING) -> QuerySet[Appeal]:
    rows = appeals_visible(actor).select_related("category", "region")
    if tab == Tab.PENDING:
        rows = rows.filter(status=AppealStatus.PENDING)
    elif tab == Tab.TO_TAKE:
        rows = rows.filter(to_take_q(access_for(actor)), status=AppealStatus.REFERRED)
    elif tab == Tab.IN_HAND:
        rows = rows.filter(status__in=(AppealStatus.ACCEPTED, AppealStatus.TAKEN,
                                       AppealStatus.IN_PROGRESS))
    elif tab == Tab.OVERDUE:
        rows = rows.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
    elif tab == Tab.FOLLOW_UP:
        rows = rows.filter(status=AppealStatus.DONE)
    if tab in (Tab.OVERDUE, Tab.PENDING, Tab.TO_TAKE, Tab.IN_HAND, Tab.FOLLOW_UP):
        return rows.order_by("due_at", "id")
    return rows.order_by("-created_at", "-id")


def tab_counts(*, actor) -> dict[str, int]:
    """How many each work list holds, in one scan (the list page shows them all)."""
    access = access_for(actor)
    return appeals_visible(actor).aggregate(
        **{Tab.PENDING: Count("pk", filter=Q(status=AppealStatus.PENDING)),
           Tab.TO_TAKE: Count("pk", filter=to_take_q(access) & Q(status=AppealStatus.REFERRED)),
           Tab.IN_HAND: Count("pk", filter=Q(status__in=(
               AppealStatus.ACCEPTED, AppealStatus.TAKEN, AppealStatus.IN_PROGRESS))),
           Tab.OVERDUE: Count("pk", filter=Q(status__in=OPEN_STATUSES,
                                             due_at__lt=timezone.now())),
           Tab.FOLLOW_UP: Count("pk", filter=Q(status=AppealStatus.DONE))})


def forces_for(*, actor, appeal: Appeal) -> QuerySet[Force]:
    """The participating forces an appeal may go to: active, in the actor's area or at a
    level above the appeal's place (a province-wide charity)."""
    access = access_for(actor)
    above = [appeal.region_code[:n] for n in (2, 4, 6, 9, 12) if n <= len(appeal.region_code)]
    return (Force.objects.filter(is_active=True)
            .filter(access.region_q() | Q(region_code__in=above))
            .select_related("region", "organisation").order_by("region_code", "name"))


# --- due times --------------------------------------------------------------------------------

def due_hours(*, step: str, category_id: int, urgency: str) -> int | None:
    """The most specific rule: category and urgency, category, urgency, then any."""
    rules = {(r.category_id, r.urgency): r.hours for r in DueRule.objects.filter(
        Q(category_id=category_id) | Q(category__isnull=True), step=step)}
    for key in ((category_id, urgency), (category_id, ""), (None, urgency), (None, "")):
        if key in rules:
            return rules[key]
    return None


def due_after(hours: int | None):
    return timezone.now() + timedelta(hours=hours) if hours is not None else None
