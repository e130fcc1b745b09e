from datetime import date
from enum import StrEnum
from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from linli.accounts.access import access_for
from linli.core import indicators as registry
from linli.core.api_support import (
    Count,
    Day,
    Id,
    LinliPagination,
    RegionCode,
    RegionFilter,
    text,
)
from linli.core.errors import NotFound
from linli.core.figures import with_goals
from linli.core.indicators import Period
from linli.orgs import exporters, selectors, services
from linli.orgs.models import (
    Category,
    Filing,
    FilingKind,
    FilingStatus,
    Kind,
    Organisation,
    Status,
    TargetGroup,
)
from linli.regions.selectors import region_or_root

TargetCode = text(TargetGroup, "code")

router = Router(tags=["社会组织"])


class OrganisationOut(Schema):
    id: int
    name: str
    kind: Kind
    kind_label: str
    category: Category
    credit_code: str
    region_code: str
    region_path: str
    authority_region_code: str
    leader_name: str
    members_count: int
    business_scope: str
    target_groups: list[str]
    founded_on: date | None
    status: Status
    filing_number: str
    version: int

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_region_path(obj) -> str:
        return obj.region.path

    @staticmethod
    def resolve_target_groups(obj) -> list[str]:
        return [g.code for g in obj.target_groups.all()]


class OrganisationIn(Schema):
    name: text(Organisation, "name", min_length=1)
    kind: Kind = Kind.COMMUNITY
    category: Category
    credit_code: text(Organisation, "credit_code") = ""
    region_code: RegionCode
    authority_region_code: RegionCode
    leader_name: text(Organisation, "leader_name", min_length=1)
    leader_phone: text(Organisation, "leader_phone") = ""
    address: text(Organisation, "address") = ""
    members_count: Count = 0
    business_scope: text(Organisation, "business_scope") = ""
    target_groups: list[TargetCode] = Field([], max_length=50)
    founded_on: Day | None = None


class OrgFilterIn(Schema):
    q: str = Field("", max_length=100)
    kind: Kind | None = None
    category: Category | None = None
    status: Status | None = None
    region: RegionFilter = ""
    target_group: TargetCode = ""


@router.get("/", response=list[OrganisationOut], summary="社会组织列表(限本人辖区)")
@paginate(LinliPagination)
def list_organisations(request, filters: Query[OrgFilterIn]):
    data = {k: v for k, v in filters.dict().items() if v}
    return selectors.organisation_list(actor=request.auth, filters=selectors.OrgFilter(**data)
                                       ).prefetch_related("target_groups")


@router.post("/", response={201: OrganisationOut}, summary="登记社会组织")
def create_organisation(request, payload: OrganisationIn):
    org = services.organisation_create(actor=request.auth, **payload.dict())
    return HttpStatus(201, org)


@router.get("/hsds/organizations", summary="组织与服务名录(Open Referral HSDS 3.0)")
def hsds_organizations(request):
    return exporters.hsds_directory(selectors.organisation_list(actor=request.auth))


@router.get("/{pk}", response=OrganisationOut, summary="社会组织详情")
def get_organisation(request, pk: Id):
    return selectors.organisation_get(actor=request.auth, pk=pk)


class FilingOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    kind: FilingKind
    status: FilingStatus
    status_label: str
    filing_region_code: str
    submitted_at: str
    due_on: date
    filing_number: str
    decision_comment: str
    changes: dict

    @staticmethod
    def resolve_organisation_name(obj) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_submitted_at(obj) -> str:
        return obj.submitted_at.isoformat()


class FilingChangesIn(Schema, extra="forbid"):
    """The filed content a 变更备案 may change (services.FILED_FIELDS)."""

    name: text(Organisation, "name", min_length=1) | None = None
    leader_name: text(Organisation, "leader_name", min_length=1) | None = None
    address: text(Organisation, "address") | None = None
    members_count: Count | None = None
    business_scope: text(Organisation, "business_scope") | None = None
    region_code: RegionCode | None = None


class FilingIn(Schema):
    organisation_id: Id
    kind: FilingKind
    changes: FilingChangesIn = FilingChangesIn()
    reason: text(Filing, "reason") = ""


class TransitionIn(Schema):
    comment: text(Filing, "decision_comment") = ""
    changes: FilingChangesIn = FilingChangesIn()


class TransitionAction(StrEnum):
    """services.TRANSITIONS, as the path accepts it."""

    APPROVE = "approve"
    RETURN = "return"
    REJECT = "reject"
    RESUBMIT = "resubmit"
    WITHDRAW = "withdraw"


@router.get("/filings/", response=list[FilingOut], summary="备案申请(tab: review 待我审核 · "
            "returned 退回补正 · overdue 逾期 · all 全部)")
@paginate(LinliPagination)
def list_filings(request, tab: Literal["review", "returned", "overdue", "all"] = "all"):
    lists = {"review": selectors.filings_awaiting_my_review,
             "returned": selectors.filings_returned_to_us,
             "overdue": selectors.filings_overdue, "all": selectors.filing_list}
    return lists[tab](actor=request.auth)


@router.post("/filings/", response={201: FilingOut}, summary="提交备案申请")
def submit_filing(request, payload: FilingIn):
    org = selectors.organisation_get(actor=request.auth, pk=payload.organisation_id)
    filing = services.filing_submit(actor=request.auth, organisation=org, kind=payload.kind,
                                    changes=payload.changes.dict(exclude_none=True),
                                    reason=payload.reason)
    return HttpStatus(201, filing)


@router.get("/filings/{pk}", response=FilingOut, summary="备案申请详情")
def get_filing(request, pk: Id):
    return selectors.filing_get(actor=request.auth, pk=pk)


@router.post("/filings/{pk}/{action}", response=FilingOut,
             summary="备案流转:approve 准予 · return 退回 · reject 不予 · resubmit 重新提交 · "
                     "withdraw 撤回")
def transition_filing(request, pk: Id, action: TransitionAction, payload: TransitionIn):
    filing = selectors.filing_get(actor=request.auth, pk=pk)
    return services.filing_transition(actor=request.auth, filing=filing, action=str(action),
                                      comment=payload.comment,
                                      changes=payload.changes.dict(exclude_none=True))


class CoverageOut(Schema):
    region_code: str
    region_name: str
    townships: int
    stations: int
    rate: float  # 0-1
    target: float | None = Field(None, description="目标覆盖率(%),按 reports.Target 设定")
    target_source: str = ""
    meets_target: bool | None = Field(None, description="无目标或无乡镇(街道)时为 null")


@router.get("/stations/coverage", response=list[CoverageOut],
            summary="乡镇(街道)社工站覆盖率(对照所设目标)")
def station_coverage(request, region: RegionFilter = ""):
    root = region_or_root(actor=request.auth, code=region)
    indicator = registry.get("station_coverage")
    if not indicator.available(access_for(request.auth)):
        raise NotFound()
    rows = with_goals(indicator, indicator.compute(request.auth, root, Period.this_month()))
    return [{"region_code": r.value.region.code, "region_name": r.value.region.name,
             "townships": r.value.parts[1], "stations": r.value.parts[0],
             "rate": round(r.value.parts[0] / r.value.parts[1], 4) if r.value.parts[1] else 0.0,
             "target": r.goal.value if r.goal else None,
             "target_source": r.goal.source if r.goal else "", "meets_target": r.met}
            for r in rows]
