from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.access import Access
from linli.accounts.roles import Role
from linli.core.dashboard import Card, Todo
from linli.people.selectors import to_complete_count, visible_people


def people_card(access: Access) -> Card | None:
    if not (access.region_codes or access.organisation_ids) or not access.sees_personal_data:
        return None  # e.g. 社会组织管理局: no personal data, no card
    counts = dict(visible_people(access).filter(status="active").values_list("risk")
                  .annotate(n=Count("id")).order_by())
    total = sum(counts.values())
    no_id = visible_people(access).filter(status="active", id_hash="").count()
    return Card(title=_("在册关爱对象"), value=f"{total:,}", unit=_("人"),
                url=reverse("people:list"),
                rows=[(_("高风险"), f"{counts.get('high', 0):,}"),
                      (_("重点"), f"{counts.get('medium', 0):,}"),
                      (_("无身份证号"), f"{no_id:,}")])


# The roles that complete a record an import left unfinished (a township places the
# people left at its level; a village fills in what its people lack).
COMPLETING_ROLES = frozenset({Role.COUNTY_BUREAU, Role.TOWNSHIP_ASSISTANT, Role.VILLAGE_STAFF})


def to_complete_todo(access: Access) -> Todo | None:
    if not access.roles & COMPLETING_ROLES or not access.sees_personal_data:
        return None
    return Todo(_("待补充信息的对象"), to_complete_count(actor=access),
                reverse("people:list") + "?to_complete=1")
