from datetime import date
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from linli.audit.models import Action
from linli.audit.services import access_log_record
from linli.core.api_support import Id, LinliPagination, RegionFilter, text
from linli.people import selectors, services
from linli.people.models import Group, PersonStatus, Risk, Sex

router = Router(tags=["关爱对象"])


class PersonOut(Schema):
    id: int
    name: str
    id_masked: str
    has_id_number: bool
    sex: Sex | Literal[""]
    birth_date: date | None
    ethnicity: str
    region_code: str
    region_path: str
    groups: list[str]
    risk: Risk
    status: PersonStatus
    organisation_id: int | None
    version: int

    @staticmethod
    def resolve_region_path(obj) -> str:
        return obj.region.path

    @staticmethod
    def resolve_groups(obj) -> list[str]:
        memberships = getattr(obj, "current_groups", None)
        if memberships is None:
            memberships = obj.group_memberships.filter(ended_on__isnull=True).select_related(
                "group")
        return [m.group.code for m in memberships]


class PeopleFilterIn(Schema):
    q: str = Field("", max_length=100)
    region: RegionFilter = ""
    group: text(Group, "code") = ""
    risk: Risk | None = None
    status: PersonStatus = PersonStatus.ACTIVE


class RevealIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)


class RevealOut(Schema):
    id_number: str


class LoggedPagination(LinliPagination):
    """A page of people that holds a minor or a person of a sensitive group is logged as
    one access-log row per request (who, filter, how many), the way opening one such file
    is logged — never one row per person. Items are people, or rows that carry a person's
    birth date and domain mask (visit schedules)."""

    def paginate_queryset(self, queryset, pagination, **params):
        page = super().paginate_queryset(queryset, pagination, **params)
        page["items"] = list(page["items"])
        request = params["request"]
        services.list_read_log(actor=request.auth, rows=page["items"], request=request)
        return page


@router.get("/", response=list[PersonOut], summary="关爱对象列表(限辖区和数据域)")
@paginate(LoggedPagination)
def list_people(request, filters: Query[PeopleFilterIn]):
    data = {k: v for k, v in filters.dict().items() if v}
    return selectors.people_list(actor=request.auth, filters=selectors.PeopleFilter(**data))


@router.get("/{pk}", response=PersonOut, summary="关爱对象详情(身份证号遮蔽)")
def get_person(request, pk: Id):
    person = selectors.person_get(actor=request.auth, pk=pk)
    if selectors.is_sensitive(person):
        access_log_record(actor=request.auth, action=Action.VIEW, obj=person, request=request,
                          reason=_("接口查看对象档案"))
    return person


@router.post("/{pk}/reveal", response=RevealOut, summary="查看完整身份证号(记入审计日志)")
def reveal(request, pk: Id, payload: RevealIn):
    person = selectors.person_get(actor=request.auth, pk=pk)
    number = services.id_number_reveal(actor=request.auth, person=person, reason=payload.reason,
                                       request=request)
    return {"id_number": number}
