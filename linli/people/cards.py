"""The people app's card and to-do on the home dashboard."""

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.access import Access
from linli.accounts.roles import Role
from linli.core.dashboard import Card, Todo
from linli.core.figures import scope_region
from linli.people.indicators import HIGH_RISK, IN_CARE, MEDIUM_RISK
from linli.people.selectors import completion_counts


def _completion(access: Access) -> dict[str, int]:
    """The card and the to-do share one query (the to-do's count only for its roles)."""
    if "completion_counts" not in access.memo:
        access.memo["completion_counts"] = completion_counts(
            actor=access, to_complete=bool(access.roles & COMPLETING_ROLES))
    return access.memo["completion_counts"]


def people_card(access: Access) -> Card | None:
    if not (access.region_codes or access.organisation_ids) or not access.sees_personal_data:
        return None  # e.g. 社会组织管理局: no personal data, no card
    region = scope_region(access)
    total, high, medium = (i.at(access, region).value for i in (IN_CARE, HIGH_RISK, MEDIUM_RISK))
    no_id = _completion(access)["no_id"]  # not a figure of the measures: what records lack
    return Card(title=_("在册关爱对象"), value=f"{total:,.0f}", unit=_("人"),
                url=reverse("people:list"),
                rows=[(_("高风险"), f"{high:,.0f}"), (_("重点"), f"{medium:,.0f}"),
                      (_("无身份证号"), f"{no_id:,}")])


# The roles that complete a record an import left unfinished (a township places the
# people left at its level; a village fills in what its people lack).
COMPLETING_ROLES = frozenset({Role.COUNTY_BUREAU, Role.TOWNSHIP_ASSISTANT, Role.VILLAGE_STAFF})


def to_complete_todo(access: Access) -> Todo | None:
    if not access.roles & COMPLETING_ROLES or not access.sees_personal_data:
        return None
    return Todo(_("待补充信息的对象"), _completion(access)["to_complete"],
                reverse("people:list") + "?to_complete=1")
