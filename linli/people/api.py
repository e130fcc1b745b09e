from datetime import date

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from linli.core.api_support import LinliPagination
from linli.people import selectors, services
from linli.people.models import Risk

router = Router(tags=["关爱对象"])


class PersonOut(Schema):
    id: int
    name: str
    id_masked: str
    has_id_number: bool
    sex: str
    birth_date: date | None
    ethnicity: str
    region_code: str
    region_path: str
    groups: list[str]
    risk: str
    status: str
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
    q: str = ""
    region: str = ""
    group: str = ""
    risk: Risk | None = None
    status: str = "active"


class RevealIn(Schema):
    reason: str


class RevealOut(Schema):
    id_number: str


@router.get("/", response=list[PersonOut], summary="关爱对象列表(限辖区和数据域)")
@paginate(LinliPagination)
def list_people(request, filters: Query[PeopleFilterIn]):
    data = {k: v for k, v in filters.dict().items() if v}
    return selectors.people_list(actor=request.auth, filters=selectors.PeopleFilter(**data))


@router.get("/{int:pk}", response=PersonOut, summary="关爱对象详情(身份证号遮蔽)")
def get_person(request, pk: int):
    return selectors.person_get(actor=request.auth, pk=pk)


@router.post("/{int:pk}/reveal", response=RevealOut, summary="查看完整身份证号(记入审计日志)")
def reveal(request, pk: int, payload: RevealIn):
    person = selectors.person_get(actor=request.auth, pk=pk)
    number = services.id_number_reveal(actor=request.auth, person=person, reason=payload.reason,
                                       request=request)
    return {"id_number": number}
