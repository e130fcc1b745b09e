"""API: the measures with their figures, one indicator's values for a region and the
regions below it, targets and hand-entered values (routes on linli.reports.api.router).
The same reads (reports.figures) and writes (reports.measures) as the pages."""

from datetime import date, datetime
from enum import StrEnum

from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from linli.accounts.roles import Bureau
from linli.core import indicators as registry
from linli.core.api_support import Day, Id, LinliPagination, RegionCode, RegionFilter, text
from linli.core.errors import Invalid
from linli.core.indicators import Period
from linli.regions.models import Level, Region
from linli.regions.selectors import region_or_root
from linli.reports import figures
from linli.reports import measures as services
from linli.reports.api import router
from linli.reports.forms_measures import RANGE_YEARS_MAX
from linli.reports.models import Direction, ManualIndicator, ManualValue, Target
from linli.reports.targets import Goal

IndicatorKey = text(Target, "indicator", min_length=1)


class IndicatorKind(StrEnum):
    PERCENT = registry.PERCENT
    RATIO = registry.RATIO
    COUNT = registry.COUNT


class GoalOut(Schema):
    value: float
    direction: Direction
    source: str
    deadline: date | None
    region_code: str = Field(..., description="目标设定的地区(本地区或上级)")


class FigureOut(Schema):
    key: str
    label: str
    measure: int
    unit: str
    kind: IndicatorKind
    note: str
    value: float | None = Field(..., description="无分母时为 null(页面显示“—”)")
    shown: str
    parts: list[int]
    target: GoalOut | None
    met: bool | None = Field(..., description="无目标或无数值时为 null")
    previous: float | None = Field(None, description="上一期同口径数值")


class MeasureOut(Schema):
    number: int
    numeral: str
    title: str
    summary: str
    bureaus: list[Bureau]
    local_bureaus: bool
    indicators: list[FigureOut]


class MeasuresOut(Schema):
    region_code: str
    region_name: str
    start: date
    end: date
    measures: list[MeasureOut]


class RegionValueOut(Schema):
    region_code: str
    region_name: str
    level: Level
    value: float | None
    shown: str
    target: GoalOut | None
    short: bool = Field(..., description="低于(或高于,对“不高于”的目标)适用的目标")


class IndicatorValuesOut(FigureOut):
    region_code: str
    region_name: str
    start: date
    end: date
    children: list[RegionValueOut] = Field(..., description="下级地区,从好到差排序")


def _goal(goal: Goal | None) -> dict | None:
    if goal is None:
        return None
    return {"value": goal.value, "direction": goal.direction, "source": goal.source,
            "deadline": goal.deadline, "region_code": goal.region_code}


def _figure(figure: figures.Figure) -> dict:
    i = figure.indicator
    return {"key": i.key, "label": str(i.label), "measure": i.measure, "unit": i.unit_shown,
            "kind": i.kind, "note": str(i.note), "value": figure.value.value,
            "shown": figure.shown, "parts": list(figure.value.parts),
            "target": _goal(figure.goal), "met": figure.met,
            "previous": figure.previous.value if figure.previous else None}


def api_period(start: date | None, end: date | None) -> Period:
    if start is None and end is None:
        return Period.this_month()
    if start is None or end is None or start > end or (end - start).days > 366 * RANGE_YEARS_MAX:
        message = _("请同时给出 start 和 end,start 不晚于 end,期间不超过 %(n)d 年") % {
            "n": RANGE_YEARS_MAX}
        raise Invalid(message, details={"start": [message]})
    return Period(start, end)


@router.get("/measures", response=MeasuresOut,
            summary="十条措施及各项指标(本地区数值、目标、达标、上期);默认本月、本人辖区")
def list_measures(request, region: RegionFilter = "", start: Day | None = None,
                  end: Day | None = None):
    period = api_period(start, end)
    root = region_or_root(actor=request.auth, code=region)
    blocks = figures.measure_figures(actor=request.auth, region=root, period=period)
    return {"region_code": root.code, "region_name": root.name, "start": period.start,
            "end": period.end, "measures": [
                {"number": b.measure.number, "numeral": b.measure.numeral,
                 "title": b.measure.title, "summary": b.measure.summary,
                 "bureaus": b.measure.bureaus, "local_bureaus": b.measure.local_bureaus,
                 "indicators": [_figure(f) for f in b.figures]} for b in blocks]}


@router.get("/indicators/{key}", response=IndicatorValuesOut,
            summary="一项指标:本地区数值、目标、上期,及下级各地区的排名")
def indicator_values(request, key: IndicatorKey, region: RegionFilter = "",
                     start: Day | None = None, end: Day | None = None):
    period = api_period(start, end)
    indicator = figures.indicator_get(actor=request.auth, key=key)
    root = region_or_root(actor=request.auth, code=region)
    figure = figures.indicator_figure(actor=request.auth, indicator=indicator, region=root,
                                      period=period)
    return {**_figure(figure), "region_code": root.code, "region_name": root.name,
            "start": period.start, "end": period.end, "children": [
                {"region_code": r.region.code, "region_name": r.region.name,
                 "level": r.region.level, "value": r.value.value, "shown": r.shown,
                 "target": _goal(r.goal), "short": r.short} for r in figure.ranking]}


# --- targets ----------------------------------------------------------------------------

class TargetOut(Schema):
    id: int
    indicator: str
    region_code: str
    region_name: str
    direction: Direction
    value: float
    deadline: date | None
    source: str
    note: str
    is_active: bool
    created_by: str = Field(..., description="设定人;初始数据为空")
    created_at: datetime

    @staticmethod
    def resolve_region_name(obj) -> str:
        return Region.objects.filter(code=obj.region_code).values_list(
            "name", flat=True).first() or ""

    @staticmethod
    def resolve_created_by(obj) -> str:
        return obj.created_by.display_name if obj.created_by_id else ""


class TargetChangeIn(Schema):
    direction: Direction = Direction.AT_LEAST
    value: float = Field(..., ge=0, le=float(services.VALUE_MAX))
    deadline: Day | None = None
    source: text(Target, "source", min_length=1)
    note: text(Target, "note") = ""


class TargetIn(TargetChangeIn):
    indicator: IndicatorKey
    region_code: RegionCode


@router.get("/targets", response=list[TargetOut],
            summary="适用于本人辖区的目标(含上级设定的);all=true 含已停用")
@paginate(LinliPagination)
def list_targets(request, indicator: text(Target, "indicator") = "", all: bool = False):
    rows = figures.targets_visible(actor=request.auth, active_only=not all)
    return rows.filter(indicator=indicator) if indicator else rows


@router.post("/targets", response={201: TargetOut}, summary="设定目标(省、市州或县一级)")
def add_target(request, payload: TargetIn):
    return HttpStatus(201, services.target_set(actor=request.auth, **payload.dict()))


@router.put("/targets/{pk}", response=TargetOut, summary="修改目标的数值、方向、时限、依据")
def change_target(request, pk: Id, payload: TargetChangeIn):
    target = figures.target_get(actor=request.auth, pk=pk)
    return services.target_set(actor=request.auth, target=target, **payload.dict())


@router.post("/targets/{pk}/deactivate", response=TargetOut, summary="停用目标(保留记录)")
def deactivate_target(request, pk: Id):
    target = figures.target_get(actor=request.auth, pk=pk)
    return services.target_deactivate(actor=request.auth, target=target)


# --- hand-entered values ----------------------------------------------------------------

class ManualValueOut(Schema):
    id: int
    indicator: str
    region_code: str
    region_name: str
    period_start: date
    period_end: date
    value: float
    note: str
    entered_by: str
    entered_at: datetime

    @staticmethod
    def resolve_indicator(obj) -> str:
        return obj.indicator.code

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_entered_by(obj) -> str:
        return obj.entered_by.display_name


class ManualValueIn(Schema):
    indicator: text(ManualIndicator, "code", min_length=1)
    region_code: RegionCode
    period_start: Day = Field(..., description="整月、整季度或整年的第一天")
    period_end: Day = Field(..., description="同一期间的最后一天")
    value: float = Field(..., ge=0, le=float(services.MANUAL_MAX))
    note: text(ManualValue, "note") = ""


def _definition(request, code: str) -> ManualIndicator:
    found = figures.manual_indicators(actor=request.auth).filter(code=code).first()
    if found is None:
        message = _("没有这项手工填报指标")
        raise Invalid(message, details={"indicator": [message]})
    return found


@router.get("/manual", response=list[ManualValueOut],
            summary="本人辖区内的手工填报数值(可按指标代码、地区筛选)")
@paginate(LinliPagination)
def list_manual_values(request, indicator: text(ManualIndicator, "code") = "",
                       region: RegionFilter = ""):
    rows = figures.manual_values(actor=request.auth).order_by("-period_end", "region_code")
    if indicator:
        rows = rows.filter(indicator__code=indicator)
    return rows.filter(region_code__startswith=region) if region else rows


@router.post("/manual", response={200: ManualValueOut, 201: ManualValueOut},
             summary="填报一个地区一个期间的数值;同一地区同一期间再次提交即为更正(200)")
def enter_manual_value(request, payload: ManualValueIn):
    data = payload.dict()
    definition = _definition(request, data.pop("indicator"))
    row, created = services.manual_value_enter(actor=request.auth, indicator=definition, **data)
    return HttpStatus(201 if created else 200, row)
