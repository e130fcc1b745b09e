"""The appeals app's figures per region (core.indicators): appeals raised, closed and
their requesters' satisfaction (measure 三: 收集、反映居民诉求), and the referrals made
(measure 二: the 1+8+N assistance), each one grouped query over the appeals the actor
may see, by the place an appeal is about."""

from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.db.models.signals import post_save
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.accounts.access import access_for
from linli.appeals.models import AppealStatus, Category, Referral, Satisfaction
from linli.appeals.selectors import appeals_visible
from linli.core.dashboard import Topic
from linli.core.figures import children_of, counts, grouped, shares, span
from linli.core.indicators import COUNT, Indicator, Value, register, register_provider

FINISHED = (AppealStatus.DONE, AppealStatus.FOLLOWED_UP, AppealStatus.CLOSED)
CATEGORIES_KEY = "appeals-indicator-categories"


def _sees_appeals(access) -> bool:
    return bool(access.region_codes or access.organisation_ids) and access.sees_personal_data


def _raised(actor, region, period):
    start, end = span(period)
    return appeals_visible(actor, within=region.code).filter(created_at__gte=start,
                                                             created_at__lt=end)


def raised(actor, region, period) -> list[Value]:
    return counts(region, _raised(actor, region, period))


def _share(actor, region, period, *, of: Q, among: Q) -> list[Value]:
    children, length = children_of(region)
    by = grouped(_raised(actor, region, period).filter(among), "region_code", length,
                 n=Count("pk", filter=of), d=Count("pk"))
    return shares(region, children, {code: (row["n"], row["d"]) for code, row in by.items()})


def closed_rate(actor, region, period) -> list[Value]:
    """Of the period's accepted appeals (those refused are not counted), the share finished."""
    return _share(actor, region, period, of=Q(status__in=FINISHED),
                  among=~Q(status=AppealStatus.REJECTED))


def satisfaction(actor, region, period) -> list[Value]:
    """Of the period's appeals followed up with an answer, the share 满意 or 基本满意."""
    return _share(actor, region, period,
                  of=Q(satisfaction__in=(Satisfaction.SATISFIED, Satisfaction.FAIR)),
                  among=~Q(satisfaction=""))


def referrals(actor, region, period) -> list[Value]:
    start, end = span(period)
    rows = Referral.objects.filter(appeal__in=appeals_visible(actor, within=region.code),
                                   referred_at__gte=start, referred_at__lt=end)
    return counts(region, rows, field="appeal__region_code")


def on_time(actor, region, period) -> list[Value]:
    """Of the steps with a due time completed in the period (受理、接收、办结、回访), the
    share completed in time."""
    from linli.appeals.models import AppealEvent
    from linli.people.selectors import visible

    start, end = span(period)
    events = visible(AppealEvent.objects.exclude(step=""), actor, "appeal__", within=region.code,
                     also_organisation="appeal__handling_organisation_id")
    children, length = children_of(region)
    by = grouped(events.filter(at__gte=start, at__lt=end), "appeal__region_code", length,
                 n=Count("pk", filter=Q(on_time=True)), d=Count("pk"))
    return shares(region, children, {code: (row["n"], row["d"]) for code, row in by.items()})


def _by_category(actor, region, period) -> dict[int, dict[str, int]]:
    """{category id: {child prefix: appeals raised}}: one grouped query for every
    category's figure, kept for the request."""
    access = access_for(actor)
    key = ("appeals-by-category", region.code, period.start, period.end)
    if key not in access.memo:
        _children, length = children_of(region)
        rows = (_raised(actor, region, period).annotate(prefix=Substr("region_code", 1, length))
                .values_list("category_id", "prefix").annotate(n=Count("pk")).order_by())
        found: dict[int, dict[str, int]] = {}
        for category, prefix, n in rows:
            found.setdefault(category, {})[prefix] = n
        access.memo[key] = found
    return access.memo[key]


def _category_count(category_id: int):
    def compute(actor, region, period) -> list[Value]:
        children, _length = children_of(region)
        by = _by_category(actor, region, period).get(category_id, {})
        return [Value(region, float(sum(by.values()))),
                *(Value(child, float(by.get(child.code, 0))) for child in children)]
    return compute


def category_indicators() -> list[Indicator]:
    """登记诉求 by category (the editable list): parts of the headline figure."""
    categories = cache.get(CATEGORIES_KEY)
    if categories is None:
        categories = list(Category.objects.filter(is_active=True).order_by("order", "code")
                          .values_list("pk", "code", "name", "order"))
        cache.set(CATEGORIES_KEY, categories, 300)
    return [_appeals(f"appeals_{code}", format_lazy("{}:{}", _("登记诉求"), name),
                     _category_count(pk), kind=COUNT, unit=pgettext_lazy("appeals", "件"),
                     measure=3, order=200 + order, breakdown=True,
                     note=_("期内登记的该类别诉求,按诉求所在村(社区)统计。"))
            for pk, code, name, order in categories]


def _surveys(actor, region, period):
    from linli.appeals.surveys import surveys_visible

    return surveys_visible(actor, within=region.code).filter(
        surveyed_on__gte=period.start, surveyed_on__lte=period.end)


def surveys_done(actor, region, period) -> list[Value]:
    return counts(region, _surveys(actor, region, period))


def flagged_referred(actor, region, period) -> list[Value]:
    """Of the period's surveys with a flag, the share referred as an appeal."""
    children, length = children_of(region)
    by = grouped(_surveys(actor, region, period).exclude(flags=[]), "region_code", length,
                 n=Count("pk", filter=Q(appeal__isnull=False)), d=Count("pk"))
    return shares(region, children, {code: (row["n"], row["d"]) for code, row in by.items()})


def _sees_surveys(access) -> bool:
    from linli.accounts.roles import Domain

    return _sees_appeals(access) and Domain.ASSISTANCE in access.domains


def _appeals(key, label, compute, *, measure: int, order: int, note, **kind) -> Indicator:
    return Indicator(key, label, Topic.CARE, compute, available=_sees_appeals, measure=measure,
                     personal=True, flow=True, order=order, note=note, **kind)


register(_appeals(
    "appeals_raised", _("登记诉求"), raised, kind=COUNT, unit=pgettext_lazy("appeals", "件"),
    measure=3, order=60,
    note=_("期内登记的居民诉求(探访发现、村居窗口、热线、社会组织、入户调查、群众在线提交),"
           "按诉求所在村(社区)统计。")))
register(_appeals(
    "appeals_closed_rate", _("诉求办结率"), closed_rate, parts=(_("已办结"), _("已受理")),
    measure=3, order=61,
    note=_("期内登记且未被不予受理的诉求中,已办结(含已回访、已关闭)的比例。")))
register(_appeals(
    "appeals_satisfaction", _("诉求回访满意率"), satisfaction,
    parts=(_("满意或基本满意"), _("已回访")), measure=3, order=62,
    note=_("期内登记、已回访并记录满意度的诉求中,满意或基本满意的比例。")))
register(_appeals(
    "referrals_made", _("转介"), referrals, kind=COUNT, unit=pgettext_lazy("referrals", "次"),
    measure=2, order=63,
    note=_("期内转介到民政部门(救助类型)或参与力量的次数,按诉求所在村(社区)统计;"
           "同一诉求退回后再转介计为两次。")))
register(Indicator(
    "surveys_done", _("家庭经济状况调查"), Topic.CARE, surveys_done, available=_sees_surveys,
    kind=COUNT, unit=_("户次"), measure=2, personal=True, flow=True, order=64,
    note=_("期内完成的家庭经济状况调查,按户所在村(社区)统计。")))
register(Indicator(
    "surveys_flagged_referred", _("调查提示户转介率"), Topic.CARE, flagged_referred,
    available=_sees_surveys, parts=(_("已转介"), _("有提示")), measure=2, personal=True,
    flow=True, order=65,
    note=_("期内调查提示可能符合低保、特困、低保边缘或防返贫监测的户中,已转介社会救助的比例。")))
register(_appeals(
    "appeals_on_time", _("诉求按时办理率"), on_time, parts=(_("按时完成"), _("完成的环节")),
    measure=3, order=66,
    note=_("期内完成的受理、接收、办结、回访环节中,在该环节时限内完成的比例(时限按诉求类别与"
           "紧急程度的办理时限规则)。")))
register_provider(category_indicators)
post_save.connect(lambda **_k: cache.delete(CATEGORIES_KEY), sender=Category, weak=False,
                  dispatch_uid="appeals-categories-save")
