"""The appeals' home to-dos (what waits for the user's acceptance, what was referred to
the user's unit, and what is past its step's due time: one query for the three) and the
person page's panel of the person's appeals."""

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.access import Access, access_for
from linli.accounts.roles import Perm, Role
from linli.appeals.selectors import Tab, appeals_of, tab_counts
from linli.core.dashboard import Todo

# Who registers and accepts appeals, or answers for a township's or county's: the appeals
# of a province's bureau are a figure (the measures pages), not its to-do.
HANDLING_ROLES = frozenset({Role.VILLAGE_STAFF, Role.ORG_STAFF, Role.TOWNSHIP_ASSISTANT,
                            Role.COUNTY_BUREAU, Role.PREFECTURE_BUREAU})


def _counts(access: Access) -> dict[str, int]:
    if "appeal_counts" not in access.memo:
        access.memo["appeal_counts"] = tab_counts(actor=access)
    return access.memo["appeal_counts"]


def _todo(access: Access, key: str, label: str, *, urgent: bool = False) -> Todo | None:
    if not access.roles & HANDLING_ROLES or not access.can(Perm.EDIT) \
            or not access.sees_personal_data:
        return None
    count = _counts(access)[key]
    if not count:
        return None
    return Todo(label, count, reverse("appeals:list") + f"?tab={key}", urgent=urgent)


def pending_todo(access: Access) -> Todo | None:
    return _todo(access, Tab.PENDING, _("待受理的诉求"))


def to_take_todo(access: Access) -> Todo | None:
    return _todo(access, Tab.TO_TAKE, _("转介给本单位、待接收的诉求"), urgent=True)


def overdue_todo(access: Access) -> Todo | None:
    return _todo(access, Tab.OVERDUE, _("超过办理时限的诉求"), urgent=True)


def person_appeals(actor, person):
    """The person page's appeals: each with its category, step, due time and where it was
    referred, and the way to raise a new one."""
    appeals = list(appeals_of(actor=actor, person=person)[:20])
    can_raise = access_for(actor).can(Perm.EDIT)
    if not appeals and not can_raise:
        return None
    return "appeals/_person_appeals.html", {"appeals": appeals, "person": person,
                                            "can_raise": can_raise}
