"""The people app's figures per region (core.indicators): people in care, by risk and by
group, as they stood at the end of the period, each in one grouped query over the people
the actor may see (their region, organisation and data domains)."""

from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from linli.accounts.access import access_for
from linli.accounts.roles import Domain
from linli.core.dashboard import Topic
from linli.core.figures import children_of, counts, grouped
from linli.core.indicators import (
    COUNT,
    Indicator,
    Value,
    register,
    register_primer,
    register_provider,
)
from linli.people.models import Group, Risk
from linli.people.selectors import group_members_on, people_in_care_on

PEOPLE = _("人")
IN_CARE_NOTE = _("期末在册(未销册)的关爱对象人数,按其所在村(社区)统计:登记于期末之前、"
            "期末时尚未销册。")


def _sees_people(access) -> bool:
    return access.sees_personal_data


def _in_care(**where):
    def compute(actor, region, period) -> list[Value]:
        people = people_in_care_on(actor=actor, on=period.end, within=region.code).filter(
            **where)
        return counts(region, people)
    return compute


def _people(key: str, label, compute, *, available=_sees_people, measure: int = 1,
            order: int, note, breakdown: bool = False) -> Indicator:
    return Indicator(key, label, Topic.CARE, compute, available=available, kind=COUNT,
                     unit=PEOPLE, measure=measure, personal=True, order=order, note=note,
                     breakdown=breakdown)


IN_CARE = register(_people("people_in_care", _("在册关爱对象"), _in_care(), order=20,
                           note=IN_CARE_NOTE))
HIGH_RISK = register(_people(
    "people_high_risk", _("高风险关爱对象"), _in_care(risk=Risk.HIGH), order=21,
    note=_("期末在册、风险等级为高风险的关爱对象(风险等级按当前记录)。")))
MEDIUM_RISK = register(_people(
    "people_medium_risk", _("重点关爱对象"), _in_care(risk=Risk.MEDIUM), order=22,
    note=_("期末在册、风险等级为重点的关爱对象(风险等级按当前记录)。")))


# --- people by group: the groups are data (people.Group rows) --------------------------------
#
# One indicator per group, built by a provider on each read of the registry from a cached
# list of the rows (as the hand-entered figures are). A group counts its own members and
# those of the groups below it (特殊困难老年人 counts 独居、空巢 … too), each person once.
# Its measure follows its domain: the elderly are measure 五's, children 六's, social
# assistance 二's, left-behind women and migrant workers 七's, the other priority groups 一's.

GROUPS_KEY = "linli:people-groups:2"
DOMAIN_MEASURES = {Domain.ELDERLY: 5, Domain.CHILDREN: 6, Domain.PRISONERS_CHILDREN: 6,
                   Domain.TROUBLED_YOUTH: 6, Domain.ASSISTANCE: 2}
GROUP_MEASURES = {"women_left_behind": 7, "migrant_worker": 7}  # 清单式服务 of measure 七


def _members(code: str, measure: int):
    def compute(actor, region, period) -> list[Value]:
        by = _group_counts(actor, region, period.end, measure).get(code, {})
        return [Value(region, sum(by.values())),
                *(Value(child, by.get(child.code, 0.0)) for child in children_of(region)[0])]
    return compute


def _measure_of(code: str, domain: str) -> int:
    return GROUP_MEASURES.get(code, DOMAIN_MEASURES.get(domain, 1))


def _group_counts(actor, region, on, measure: int) -> dict[str, dict[str, float]]:
    """``{group code: {child prefix: people}}`` of the groups of one measure that the actor
    may see, in one grouped query (measure 五's nine groups were nine queries), memoised for
    the request: a measure's page block asks for them together. A group counts each person
    once over its own members and those of the groups below it."""
    access = access_for(actor)
    key = ("people-group-counts", region.code, on, measure)
    if key not in access.memo:
        _count_groups(access, region, on, {measure})
    return access.memo[key]


def _count_groups(access, region, on, measures: set[int]) -> None:
    """Count the groups of ``measures`` in one query, into the memo one entry a measure."""
    groups = [(code, codes, _measure_of(code, domain))
              for code, _name, domain, _order, codes, _sub in _groups()
              if access.sees_domain(domain) and _measure_of(code, domain) in measures]
    everyone = sorted({c for _code, codes, _m in groups for c in codes})
    rows = group_members_on(actor=access, codes=everyone, on=on, within=region.code)
    by = grouped(rows, "person__region_code", children_of(region)[1], **{
        f"g{i}": Count("person_id", distinct=True, filter=Q(group__code__in=codes))
        for i, (_code, codes, _m) in enumerate(groups)}) if groups else {}
    for measure in measures:
        access.memo[("people-group-counts", region.code, on, measure)] = {
            code: {prefix: float(row[f"g{i}"] or 0) for prefix, row in by.items()}
            for i, (code, _codes, m) in enumerate(groups) if m == measure}


def _prime(actor, region, period, indicators) -> None:
    """A report's annex asks for every group: one query for all of them (not one a
    measure)."""
    keys = {f"people_{group[0]}" for group in _groups()}
    wanted = {i.measure for i in indicators if i.key in keys}
    access = access_for(actor)
    missing = {m for m in wanted
               if ("people-group-counts", region.code, period.end, m) not in access.memo}
    if len(missing) > 1:
        _count_groups(access, region, period.end, missing)


def _sees(domain: str):
    return lambda access: access.sees_domain(domain)


def _groups() -> list[tuple[str, str, str, int, list[str], bool]]:
    """(code, name, domain, order, codes counted, is a sub-kind) of every group, from the
    cache."""
    groups = cache.get(GROUPS_KEY)
    if groups is None:
        rows = list(Group.objects.order_by("order", "code").values_list(
            "code", "name", "domain", "order", "parent__code"))
        below: dict[str, list[str]] = {}
        for code, _name, _domain, _order, parent in rows:
            if parent:
                below.setdefault(parent, []).append(code)

        def tree(code: str) -> list[str]:
            return [code, *(c for child in below.get(code, []) for c in tree(child))]

        groups = [(code, name, domain, order, tree(code), bool(parent))
                  for code, name, domain, order, parent in rows]
        cache.set(GROUPS_KEY, groups, 300)
    return groups


def group_indicators() -> list[Indicator]:
    return [_people(f"people_{code}", name, _members(code, _measure_of(code, domain)),
                    available=_sees(domain), measure=_measure_of(code, domain),
                    order=100 + order,
                    note=_("期末在册、期末时属于该类别(含其下级类别)的关爱对象,每人计一次。"),
                    breakdown=sub)
            for code, name, domain, order, _codes, sub in _groups()]


def _forget_groups(**_kwargs) -> None:
    cache.delete(GROUPS_KEY)


register_provider(group_indicators)
register_primer(_prime)
post_save.connect(_forget_groups, sender=Group, dispatch_uid="people-groups-save")
post_delete.connect(_forget_groups, sender=Group, dispatch_uid="people-groups-delete")
