"""The orgs app's figures per region (core.indicators), each counted by the app's scoped
selectors in one grouped query: organisations by kind, category, focus area and target
group, and filings (measure 一); 社会工作服务机构 (七); 社工站 coverage, volunteers and
certified social workers (八); incubation, hub organisations and tax qualifications (九);
and 民发〔2017〕191号's organisations per community.

A stock counts what stood at the end of the period (the selectors say how: dates where
the records have them, the history for a status); a flow what happened within it.
"""

from django.core.cache import cache
from django.db.models import Count
from django.db.models.signals import post_delete, post_save
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from linli.accounts.roles import Domain
from linli.core.dashboard import Topic
from linli.core.figures import counts, span
from linli.core.indicators import (
    COUNT,
    RATIO,
    Indicator,
    Value,
    percent,
    ratio,
    register,
    register_provider,
)
from linli.orgs import selectors
from linli.orgs.models import FOCUS_FIELDS, Category, Kind, Organisation, TargetGroup
from linli.orgs.models import TaxQualificationKind as TaxKind

ORGS = _("个")


def _sees_organisations(access) -> bool:
    return access.sees_domain(Domain.ORGANIZATIONS)


def _count(key: str, label, compute, *, measure: int, order: int, note, unit=ORGS,
           topic: str = Topic.ORGANISATIONS, flow: bool = False,
           breakdown: bool = False) -> Indicator:
    return Indicator(key, label, topic, compute, available=_sees_organisations, kind=COUNT,
                     unit=unit, measure=measure, order=order, note=note, flow=flow,
                     breakdown=breakdown)


# --- measure 八's 社工站 coverage; 民发〔2017〕191号's organisations per community ------------

def station_coverage(actor, region, period) -> list[Value]:
    return [Value(c.region, percent(c.stations, c.townships), (c.stations, c.townships))
            for c in selectors.station_coverage(actor=actor, region=region, on=period.end)]


def per_urban_community(actor, region, period) -> list[Value]:
    return [Value(d.region, ratio(d.urban_orgs, d.urban_communities),
                  (d.urban_orgs, d.urban_communities))
            for d in selectors.organisation_density(actor=actor, region=region, on=period.end)]


def per_rural_community(actor, region, period) -> list[Value]:
    return [Value(d.region, ratio(d.rural_orgs, d.rural_communities),
                  (d.rural_orgs, d.rural_communities))
            for d in selectors.organisation_density(actor=actor, region=region, on=period.end)]


STATION_COVERAGE = register(Indicator(
    "station_coverage", _("乡镇(街道)社工站覆盖率"), Topic.SOCIAL_WORK, station_coverage,
    available=_sees_organisations, parts=(_("已建成社工站"), _("乡镇(街道)")),
    measure=8, order=40,
    note=_("期末已建成社工站的乡镇(街道)占全部乡镇(街道)的比例(有建成日期的按建成日期计)。")))
PER_URBAN = register(Indicator(
    "orgs_per_urban", _("每个城镇社区的社区社会组织"), Topic.ORGANISATIONS, per_urban_community,
    available=_sees_organisations, kind=RATIO, parts=(_("社区社会组织"), _("城镇社区")),
    measure=1, unit=ORGS, order=50,
    note=_("期末在册、在城镇社区开展活动的社区社会组织数除以城镇社区数。")))
PER_RURAL = register(Indicator(
    "orgs_per_rural", _("每个农村社区的社区社会组织"), Topic.ORGANISATIONS, per_rural_community,
    available=_sees_organisations, kind=RATIO, parts=(_("社区社会组织"), _("农村社区")),
    measure=1, unit=ORGS, order=60,
    note=_("期末在册、在农村社区开展活动的社区社会组织数除以农村社区数。")))


# --- organisations 在册 at the period's end (measure 一, 七, 九) ------------------------------

def _organisations(**where):
    """Organisations 在册 at the period's end matching ``where``, counted where they work."""
    def compute(actor, region, period) -> list[Value]:
        orgs = selectors.organisations_at(actor=actor, on=period.end).filter(
            region_code__startswith=region.code, **where)
        return counts(region, orgs)
    return compute


STANDING = _("期末在册(正常活动)的社会组织,按活动地域统计;过去某日的状态按变更记录回溯。")

ORGS_ACTIVE = register(_count("orgs_active", _("在册社会组织"), _organisations(), measure=1,
                              order=61, note=STANDING))
for _order, _kind in enumerate(Kind, start=62):
    register(_count(f"orgs_{_kind.value}", format_lazy(_("在册{kind}"), kind=_kind.label),
                    _organisations(kind=_kind.value), measure=1, order=_order, note=STANDING,
                    breakdown=True))
for _order, _category in enumerate(Category, start=66):
    register(_count(f"orgs_{_category.value}",
                    format_lazy(_("{category}社会组织"), category=_category.label),
                    _organisations(category=_category.value), measure=1, order=_order,
                    note=STANDING, breakdown=True))
for _order, _field in enumerate(FOCUS_FIELDS, start=71):
    register(_count(
        f"orgs_{_field}", format_lazy(_("重点领域:{area}"),
                                      area=Organisation._meta.get_field(_field).verbose_name),
        _organisations(**{_field: True}), measure=1, order=_order,
        note=_("期末在册、在该重点领域提升能力的社会组织(措施一的四个重点领域)。")))
register(_count("social_work_agencies", _("社会工作服务机构"),
                _organisations(is_social_work_agency=True), measure=7, order=75,
                topic=Topic.SOCIAL_WORK, note=STANDING))
register(_count("hub_orgs", _("枢纽型社会组织"), _organisations(is_hub=True), measure=9,
                order=76, note=STANDING))


# --- organisations by target group: the groups are data (TargetGroup rows) -------------------
#
# One indicator per row, built by a provider on each read of the registry from a cached
# list of the rows (as the hand-entered figures are): a group the province adds or renames
# shows at once, and a read costs no query while the cache holds.

SERVED_GROUPS_KEY = "linli:org-target-groups"


def _serving(code: str):
    def compute(actor, region, period) -> list[Value]:
        orgs = selectors.organisations_at(actor=actor, on=period.end).filter(
            region_code__startswith=region.code, target_groups__code=code)
        return counts(region, orgs)
    return compute


def target_group_indicators() -> list[Indicator]:
    groups = cache.get(SERVED_GROUPS_KEY)
    if groups is None:
        groups = list(TargetGroup.objects.order_by("order", "code").values_list("code", "name"))
        cache.set(SERVED_GROUPS_KEY, groups, 300)
    return [_count(f"orgs_for_{code}", _("服务%(group)s的社会组织") % {"group": name},
                   _serving(code), measure=1, order=77,
                   note=_("期末在册、服务对象包括该类别的社会组织(一个组织可计入多个类别)。"))
            for code, name in groups]


def _forget_target_groups(**_kwargs) -> None:
    cache.delete(SERVED_GROUPS_KEY)


register_provider(target_group_indicators)
post_save.connect(_forget_target_groups, sender=TargetGroup, dispatch_uid="org-target-groups-save")
post_delete.connect(_forget_target_groups, sender=TargetGroup,
                    dispatch_uid="org-target-groups-delete")


# --- filings (measure 一) ---------------------------------------------------------------------

def filings_approved(actor, region, period) -> list[Value]:
    start, end = span(period)
    filings = selectors.filings_approved(actor=actor, start=start, end=end).filter(
        filing_region_code__startswith=region.code)
    return counts(region, filings, "filing_region_code")


def filings_overdue(actor, region, period) -> list[Value]:
    filings = selectors.filings_overdue_now(actor=actor).filter(
        filing_region_code__startswith=region.code)
    return counts(region, filings, "filing_region_code")


register(_count("filings_approved", _("新备案社区社会组织"), filings_approved, measure=1,
                order=80, flow=True, note=_("期内准予成立备案的社区社会组织,按备案机关统计。")))
register(_count("filings_overdue", _("逾期未审的备案"), filings_overdue, measure=1, order=81,
                unit=_("件"),
                note=_("今天仍待审核且已过审核期限的备案申请,按备案机关统计。只反映当前情况:"
                       "任何期间都按今天计,不回溯过去某日。")))


# --- measure 九: incubation and tax qualifications ------------------------------------------

def incubation_bases(actor, region, period) -> list[Value]:
    bases = selectors.incubation_bases_open(actor=actor, on=period.end).filter(
        region_code__startswith=region.code)
    return counts(region, bases)


def organisations_incubating(actor, region, period) -> list[Value]:
    rows = selectors.incubating_on(actor=actor, on=period.end).filter(
        region_code__startswith=region.code)
    return counts(region, rows, aggregate=Count("organisation_id", distinct=True))


def incubations_started(actor, region, period) -> list[Value]:
    rows = selectors.incubations_started(actor=actor, start=period.start, end=period.end).filter(
        region_code__startswith=region.code)
    return counts(region, rows)


def _qualified(kind: str):
    def compute(actor, region, period) -> list[Value]:
        rows = selectors.tax_qualified_on(actor=actor, kind=kind, on=period.end).filter(
            region_code__startswith=region.code)
        return counts(region, rows, aggregate=Count("organisation_id", distinct=True))
    return compute


register(_count("incubation_bases", _("社会组织孵化基地"), incubation_bases, measure=9,
                order=82,
                note=_("期末已建成的孵化基地(有建成日期的按建成日期计),按所在区划统计。")))
register(_count("orgs_incubating", _("在孵社会组织"), organisations_incubating, measure=9,
                order=83, note=_("期末已入孵、尚未出孵的社会组织(出孵当日起不计)。")))
register(_count("incubations_started", _("新入孵社会组织"), incubations_started, measure=9,
                order=84, flow=True, unit=_("家次"), note=_("期内入孵的记录数。")))
register(_count("tax_exempt", _("具有非营利组织免税资格的社会组织"), _qualified(TaxKind.EXEMPT),
                measure=9, order=85, note=_("期末仍在有效期内的免税资格所属的社会组织。")))
register(_count("tax_deduction", _("具有公益性捐赠税前扣除资格的社会组织"),
                _qualified(TaxKind.DEDUCTION), measure=9, order=86,
                note=_("期末仍在有效期内的税前扣除资格所属的社会组织。")))


# --- measure 八: volunteers and social workers ----------------------------------------------

def volunteers(actor, region, period) -> list[Value]:
    people = selectors.volunteers_on(actor=actor, on=period.end).filter(
        region_code__startswith=region.code)
    return counts(region, people)


def certified_social_workers(actor, region, period) -> list[Value]:
    people = selectors.volunteers_on(actor=actor, on=period.end).filter(
        region_code__startswith=region.code).exclude(certification="")
    return counts(region, people)


register(_count("volunteers", _("在册志愿者与社工"), volunteers, measure=8, order=45,
                unit=_("人"), topic=Topic.SOCIAL_WORK,
                note=_("期末在册的社区志愿者与社会工作者,按服务区域统计。")))
register(_count("certified_social_workers", _("持证社会工作者"), certified_social_workers,
                measure=8, order=46, unit=_("人"), topic=Topic.SOCIAL_WORK,
                note=_("期末在册、取得助理社会工作师及以上职业水平证书的社会工作者。")))
