"""API: reporting rounds and their reports (routes on linli.reports.api.router), through
the same selectors and services as the pages."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from linli.accounts.roles import Bureau
from linli.core import bounds
from linli.core.api_support import Day, Id, LinliPagination, text
from linli.core.errors import Invalid
from linli.reports import annex, rounds
from linli.reports.api import router
from linli.reports.models import (
    Direction,
    ReportAction,
    ReportStatus,
    Round,
    RoundStatus,
)
from linli.reports.selectors import (
    UnitLevel,
    report_get,
    reports_visible,
    round_get,
    rounds_completeness,
    rounds_visible,
    unit_level,
)

SectionTitle = Annotated[str, Field(max_length=rounds.SECTION_TITLE_MAX)]
IndicatorCode = Annotated[str, Field(max_length=40)]


class FigureKind(StrEnum):
    PERCENT = "percent"
    RATIO = "ratio"
    COUNT = "count"


class CompletenessOut(Schema):
    level: UnitLevel | None = Field(description="报送层级;合计行为 null")
    label: str
    expected: int
    submitted: int
    on_time: int
    approved: int
    submitted_rate: float | None = Field(description="报送率 %")
    on_time_rate: float | None = Field(description="及时率 %")
    approved_rate: float | None

    @staticmethod
    def resolve_level(obj) -> str | None:
        return obj.level or None


class RoundOut(Schema):
    id: int
    title: str
    period_start: date
    period_end: date
    deadline: date
    sections: list[str]
    indicators: list[str]
    report_prefectures: bool
    report_bureaus: bool
    report_counties: bool
    owner_bureau: Bureau
    status: RoundStatus
    opened_at: datetime
    completeness: list[CompletenessOut] = []


class RoundPageOut(Schema):
    items: list[RoundOut]
    count: int
    page: int
    page_size: int


class RoundIn(Schema):
    title: text(Round, "title", min_length=1)
    period_start: Day
    period_end: Day
    deadline: Day
    sections: list[SectionTitle] | None = Field(
        None, max_length=rounds.SECTIONS_MAX,
        description="章节标题;不填为 成效/主要做法/存在问题/下一步措施")
    indicators: list[IndicatorCode] | None = Field(
        None, max_length=200,
        description="附表指标代码;不填为全部主要指标(各类别、各下级类别等分项不含在内)")
    report_prefectures: bool = True
    report_bureaus: bool = True
    report_counties: bool = False
    bureaus: list[Bureau] | None = Field(None, max_length=len(Bureau), description="不填为全部处室")


def _with_completeness(actor, found: list[Round]) -> list[Round]:
    lines = rounds_completeness(actor=actor, rounds=found)
    for r in found:
        r.completeness = lines[r.pk]
    return found


@router.get("/rounds", response=RoundPageOut, summary="报送任务列表(含报送完成情况)")
def list_rounds(request, page: int = Query(1, ge=1, le=bounds.PAGE_MAX),
                page_size: int = Query(50, ge=1, le=500)):
    paginator = Paginator(rounds_visible(actor=request.auth), page_size)
    found = list(paginator.get_page(page).object_list) if page <= paginator.num_pages else []
    return {"items": _with_completeness(request.auth, found), "count": paginator.count,
            "page": page, "page_size": page_size}


@router.post("/rounds", response={201: RoundOut}, summary="发起报送任务(省厅处室)")
def open_round(request, payload: RoundIn):
    opened = rounds.round_open(actor=request.auth, **payload.dict())
    return HttpStatus(201, _with_completeness(request.auth, [opened])[0])


@router.get("/rounds/{pk}", response=RoundOut, summary="报送任务详情(含报送完成情况)")
def get_round(request, pk: Id):
    return _with_completeness(request.auth, [round_get(actor=request.auth, pk=pk)])[0]


class RoundStep(StrEnum):
    CLOSE = "close"
    REOPEN = "reopen"


@router.post("/rounds/{pk}/{step}", response=RoundOut,
             summary="close 结束报送(各单位不能再修改、报送) · reopen 重新开放(汇总处室)")
def change_round(request, pk: Id, step: RoundStep):
    found = round_get(actor=request.auth, pk=pk)
    if step == RoundStep.CLOSE:
        found = rounds.round_close(actor=request.auth, round=found)
    else:
        found = rounds.round_reopen(actor=request.auth, round=found)
    return _with_completeness(request.auth, [found])[0]


class ReportOut(Schema):
    id: int
    round_id: int
    unit_name: str
    level: UnitLevel
    region_code: str
    bureau: Bureau | None
    status: ReportStatus
    late: bool
    submitted_at: datetime | None
    approved_at: datetime | None
    prefilled: bool

    @staticmethod
    def resolve_level(obj) -> str:
        return unit_level(obj)

    @staticmethod
    def resolve_bureau(obj) -> str | None:
        return obj.bureau or None

    @staticmethod
    def resolve_prefilled(obj) -> bool:
        return obj.prefilled_at is not None


class SectionOut(Schema):
    title: str
    text: str


class EventOut(Schema):
    action: ReportAction
    from_status: ReportStatus | None
    to_status: ReportStatus
    actor: str
    at: datetime
    comment: str


class AnnexRowOut(Schema):
    indicator: str
    label: str
    unit: str
    kind: FigureKind
    measure: int | None
    region_code: str
    region_name: str
    own: bool = Field(description="本单位的数字(否则为下辖地区)")
    value: float | None
    parts: list[float]
    previous: float | None
    target: float | None
    direction: Direction | None
    source: str
    short: bool = Field(description="未达目标")


class ReportDetailOut(ReportOut):
    sections: list[SectionOut]
    frozen: bool = Field(description="附表为报送时冻结的数据(否则为实时计算)")
    annex: list[AnnexRowOut]
    events: list[EventOut]

    @staticmethod
    def resolve_frozen(obj) -> bool:
        return obj.frozen.exists()

    @staticmethod
    def resolve_annex(obj) -> list[dict]:
        return [{"indicator": r.indicator, "label": r.label, "unit": r.unit, "kind": r.kind,
                 "measure": r.measure, "region_code": r.region.code, "region_name": r.region.name,
                 "own": r.own, "value": r.value, "parts": list(r.parts), "previous": r.previous,
                 "target": r.target, "direction": r.direction or None, "source": r.source,
                 "short": r.short} for r in annex.rows_for(obj)]

    @staticmethod
    def resolve_events(obj) -> list[dict]:
        return [{"action": e.action, "from_status": e.from_status or None,
                 "to_status": e.to_status, "actor": str(e.actor), "at": e.at,
                 "comment": e.comment} for e in obj.events.select_related("actor")]


class ReportFilterIn(Schema):
    round: Id | None = None
    status: ReportStatus | None = None


@router.get("/reports", response=list[ReportOut], summary="总结报告列表(限本人可见)")
@paginate(LinliPagination)
def list_reports(request, filters: Query[ReportFilterIn]):
    found = reports_visible(actor=request.auth)
    if filters.round is not None:
        found = found.filter(round_id=filters.round)
    if filters.status is not None:
        found = found.filter(status=filters.status)
    return found


@router.get("/reports/{pk}", response=ReportDetailOut,
            summary="总结报告详情:正文、附表(报送后为冻结数据)、流转记录")
def get_report(request, pk: Id):
    return report_get(actor=request.auth, pk=pk)


class SectionIn(Schema):
    title: SectionTitle
    text: str = Field(max_length=rounds.SECTION_TEXT_MAX)


class SectionsIn(Schema):
    sections: list[SectionIn] = Field(max_length=rounds.SECTIONS_MAX)


def _sections(items: list[SectionIn] | None) -> dict[str, str] | None:
    if items is None:
        return None
    return {s.title: s.text for s in items}


@router.put("/reports/{pk}/sections", response=ReportDetailOut,
            summary="保存报告正文(草稿或已退回时)")
def save_report_sections(request, pk: Id, payload: SectionsIn):
    report = report_get(actor=request.auth, pk=pk)
    return rounds.report_save(actor=request.auth, report=report,
                              sections=_sections(payload.sections))


class ReportStep(StrEnum):
    """The steps the path accepts (rounds.TRANSITIONS without 保存, which is the PUT)."""

    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"


class ReportStepIn(Schema):
    comment: str = Field("", max_length=rounds.REASON_MAX, description="意见;退回时为理由(必填)")
    sections: list[SectionIn] | None = Field(None, max_length=rounds.SECTIONS_MAX,
                                             description="报送时一并保存的正文")


@router.post("/reports/{pk}/{action}", response=ReportDetailOut,
             summary="报告流转:submit 报送 · approve 审核通过 · return 退回")
def transition_report(request, pk: Id, action: ReportStep, payload: ReportStepIn):
    report = report_get(actor=request.auth, pk=pk)
    if action != ReportStep.SUBMIT and payload.sections is not None:
        raise Invalid(_("审核时不能修改报告正文"),
                      details={"sections": [_("仅报送时可一并提交正文")]})
    if action == ReportStep.SUBMIT:
        report = rounds.report_submit(actor=request.auth, report=report,
                                      sections=_sections(payload.sections),
                                      comment=payload.comment)
    elif action == ReportStep.APPROVE:
        report = rounds.report_approve(actor=request.auth, report=report,
                                       comment=payload.comment)
    else:
        report = rounds.report_return(actor=request.auth, report=report, reason=payload.comment)
    return report
