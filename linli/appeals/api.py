"""The appeals API: intake, the work lists, one appeal with its referrals and timeline,
and its steps — the same services and scope as the pages."""

from datetime import date, datetime
from enum import StrEnum

from ninja import Field, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from linli.appeals import selectors, services
from linli.appeals.models import (
    Appeal,
    AppealAction,
    AppealStatus,
    Category,
    Channel,
    ConsentBasis,
    Referral,
    ReferralStatus,
    Satisfaction,
    Urgency,
)
from linli.appeals.statistics import statistics
from linli.core.api_support import Day, Id, LinliPagination, RegionCode, RegionFilter, text
from linli.regions.selectors import region_or_root
from linli.reports.api_measures import api_period

router = Router(tags=["诉求与转介"])


class IntakeChannel(StrEnum):  # 群众在线提交 comes through the public page only
    VISIT = Channel.VISIT
    OFFICE = Channel.OFFICE
    HOTLINE = Channel.HOTLINE
    WORKER = Channel.WORKER
    SURVEY = Channel.SURVEY


class AppealIn(Schema):
    channel: IntakeChannel
    category_code: text(Category, "code", min_length=1) = Field(
        ..., description="类别代码,如 temporary(临时救助)、elderly_care(养老)")
    description: text(Appeal, "description") = ""
    urgency: Urgency = Urgency.NORMAL
    person_id: Id | None = Field(None, description="已登记的关爱对象;给出时地区取其所在村(社区)")
    requester_name: text(Appeal, "requester_name") = ""
    requester_phone: text(Appeal, "requester_phone") = ""
    region_code: RegionCode | None = None
    visit_id: str | None = Field(None, max_length=36, description="来源探访(发现需求)")
    consent_basis: ConsentBasis | None = None
    consent_note: text(Appeal, "consent_note") = ""


class AppealOut(Schema):
    id: int
    code: str
    channel: Channel
    category_code: str
    category_name: str
    urgency: Urgency
    status: AppealStatus
    requester_name: str
    region_code: str
    region_name: str
    person_id: int | None
    due_at: datetime | None
    overdue: bool
    created_at: datetime

    @staticmethod
    def resolve_category_code(obj) -> str:
        return obj.category.code

    @staticmethod
    def resolve_category_name(obj) -> str:
        return obj.category.name

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue


class ReferralOut(Schema):
    id: int
    assistance: str
    unit: str
    status: ReferralStatus
    note: str
    answer: str
    referred_at: datetime
    answered_at: datetime | None

    @staticmethod
    def resolve_assistance(obj) -> str:
        return obj.assistance.name

    @staticmethod
    def resolve_unit(obj) -> str:
        return str(obj.unit_name)


class EventOut(Schema):
    action: AppealAction
    from_status: AppealStatus | None
    to_status: AppealStatus
    actor: str
    comment: str
    at: datetime


class AppealDetailOut(AppealOut):
    description: str
    requester_phone: str
    consent_basis: ConsentBasis | None
    result: str
    satisfaction: Satisfaction | None
    referrals: list[ReferralOut]
    events: list[EventOut]

    @staticmethod
    def resolve_consent_basis(obj):
        return obj.consent_basis or None

    @staticmethod
    def resolve_satisfaction(obj):
        return obj.satisfaction or None

    @staticmethod
    def resolve_referrals(obj) -> list[Referral]:
        return list(obj.referrals.select_related("assistance", "to_region", "to_force"))

    @staticmethod
    def resolve_events(obj) -> list[dict]:
        return [{"action": e.action, "from_status": e.from_status or None,
                 "to_status": e.to_status, "actor": e.actor.display_name if e.actor else "",
                 "comment": e.comment, "at": e.at}
                for e in obj.events.select_related("actor")]


class Tab(StrEnum):
    PENDING = selectors.Tab.PENDING
    TO_TAKE = selectors.Tab.TO_TAKE
    IN_HAND = selectors.Tab.IN_HAND
    OVERDUE = selectors.Tab.OVERDUE
    FOLLOW_UP = selectors.Tab.FOLLOW_UP
    ALL = selectors.Tab.ALL


@router.post("/", response={201: AppealDetailOut},
             summary="登记诉求(待受理);紧急诉求即时通知村、乡镇")
def create_appeal(request, payload: AppealIn):
    data = payload.dict()
    data["category"] = data.pop("category_code")
    data["consent_basis"] = data["consent_basis"] or ""
    data["region_code"] = data["region_code"] or ""
    return HttpStatus(201, services.appeal_create(actor=request.auth, **data))


@router.get("/", response=list[AppealOut],
            summary="工作清单:pending 待受理 · to_take 待接收 · in_hand 办理中 · overdue 逾期 · "
                    "follow_up 待回访 · all 全部")
@paginate(LinliPagination)
def list_appeals(request, tab: Tab = Tab.PENDING):
    return selectors.work_list(actor=request.auth, tab=tab)


class TimedStep(StrEnum):  # the steps with a due time (models.Step)
    ACCEPT = "accept"
    TAKE = "take"
    HANDLE = "handle"
    FOLLOW_UP = "follow_up"


class RegionCounts(Schema):
    region_code: str
    region_name: str
    raised: int
    finished: int
    accepted: int
    closure_rate: float | None
    satisfaction: float | None
    overdue: int

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name


class NamedCount(Schema):
    name: str
    count: int


class StepFigureOut(Schema):
    step: TimedStep
    label: str
    ended: int
    on_time: int
    on_time_rate: float | None
    average_days: float | None


class ReferralCount(Schema):
    assistance: str
    unit: str
    count: int


class StatisticsOut(Schema):
    start: date
    end: date
    total: RegionCounts
    children: list[RegionCounts]
    categories: list[NamedCount]
    channels: list[NamedCount]
    statuses: list[NamedCount]
    steps: list[StepFigureOut]
    referrals: list[ReferralCount]


def _counted(rows) -> list[dict]:
    return [{"name": name, "count": n} for name, n in rows]


@router.get("/statistics", response=StatisticsOut,
            summary="诉求统计:本地区及下一级的登记、办结率、满意率、逾期,按类别、渠道、状态,"
                    "各环节平均用时与按时率,转介;默认本月、本人辖区")
def appeal_statistics(request, region: RegionFilter = "", start: Day | None = None,
                      end: Day | None = None):
    period = api_period(start, end)
    found = statistics(actor=request.auth, region=region_or_root(actor=request.auth,
                                                                 code=region), period=period)
    return {"start": period.start, "end": period.end, "total": found.total,
            "children": found.children, "categories": _counted(found.categories),
            "channels": _counted(found.channels), "statuses": _counted(found.statuses),
            "steps": found.steps,
            "referrals": [{"assistance": kind, "unit": unit, "count": n}
                          for kind, unit, n in found.referrals]}


@router.get("/{int:pk}", response=AppealDetailOut, summary="诉求详情(转介与办理记录)")
def get_appeal(request, pk: Id):
    return selectors.appeal_get(actor=request.auth, pk=pk)


class NoteIn(Schema):
    text: text(Appeal, "result", min_length=1)


@router.post("/{int:pk}/notes", response={201: EventOut},
             summary="记录(救助、养老、慈善、儿童福利共同记录)")
def add_note(request, pk: Id, payload: NoteIn):
    appeal = selectors.appeal_get(actor=request.auth, pk=pk)
    event = services.appeal_note(actor=request.auth, appeal=appeal, text=payload.text)
    return HttpStatus(201, {"action": event.action, "from_status": event.from_status or None,
                            "to_status": event.to_status, "actor": request.auth.display_name,
                            "comment": event.comment, "at": event.at})


class Step(StrEnum):
    ACCEPT = AppealAction.ACCEPT
    REJECT = AppealAction.REJECT
    REFER = AppealAction.REFER
    TAKE = AppealAction.TAKE
    SEND_BACK = AppealAction.SEND_BACK
    START = AppealAction.START
    FINISH = AppealAction.FINISH
    FOLLOW_UP = AppealAction.FOLLOW_UP
    CLOSE = AppealAction.CLOSE
    REOPEN = AppealAction.REOPEN


class StepIn(Schema):
    comment: text(Appeal, "result") = Field(
        "", description="理由或说明(不予受理、退回、重新办理必填)")
    assistance: str | None = Field(None, max_length=40, description="转介:救助或服务类型代码")
    to_region_code: RegionCode | None = Field(None, description="转介:诉求所在地的民政部门")
    to_force_id: Id | None = Field(None, description="转介:参与力量")
    note: text(Referral, "note") = ""
    result: text(Appeal, "result") = Field("", description="办结:办理结果")
    satisfaction: Satisfaction | None = Field(None, description="回访:满意度")


@router.post("/{int:pk}/{step}", response=AppealDetailOut,
             summary="办理:accept 受理 · reject 不予受理 · refer 转介 · take 接收 · "
                     "send_back 退回 · start 开始办理 · finish 办结 · follow_up 回访 · "
                     "close 关闭 · reopen 重新办理")
def appeal_step(request, pk: Id, step: Step, payload: StepIn):
    appeal = selectors.appeal_get(actor=request.auth, pk=pk)
    fields = {k: v for k, v in payload.dict().items() if v not in (None, "")}
    comment = fields.pop("comment", "")
    services.appeal_transition(actor=request.auth, appeal=appeal, action=step,
                               comment=comment, **fields)
    return selectors.appeal_get(actor=request.auth, pk=pk)


from linli.appeals import api_surveys  # noqa: E402,F401  (it adds the surveys to the router)
