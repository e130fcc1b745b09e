"""The surveys and households on the appeals router (/api/v1/appeals/surveys, /households): the same
services and scope as the pages — a survey recorded under consent by the 社会救助 domain,
its flags, its referral; a household's chain and its joint notes."""

from datetime import date, datetime
from enum import StrEnum

from ninja import Field, Schema
from ninja import Status as HttpStatus

from linli.appeals import surveys
from linli.appeals.api import router
from linli.appeals.households import household_of
from linli.appeals.models import CaseNote, HardshipCause, Survey, SurveyFlag
from linli.core.api_support import Day, Id, text

AMOUNT = {"le": float(surveys.MONEY_MAX), "description": "元,近 12 个月;不能为负数"}


class Flag(StrEnum):
    DIBAO = SurveyFlag.DIBAO
    TEKUN = SurveyFlag.TEKUN
    EDGE = SurveyFlag.EDGE
    MONITOR = SurveyFlag.MONITOR


class Cause(StrEnum):
    ILLNESS = HardshipCause.ILLNESS
    DISABILITY = HardshipCause.DISABILITY
    DISASTER = HardshipCause.DISASTER
    ACCIDENT = HardshipCause.ACCIDENT
    NO_LABOUR = HardshipCause.NO_LABOUR
    UNEMPLOYMENT = HardshipCause.UNEMPLOYMENT
    EDUCATION = HardshipCause.EDUCATION
    OTHER = HardshipCause.OTHER


class SurveyIn(Schema):
    person_id: Id = Field(..., description="户主或申请人(已登记的关爱对象,须已登记授权同意)")
    surveyed_on: Day
    members_count: int = Field(..., ge=1, le=surveys.MEMBERS_MAX)
    members_note: text(Survey, "members_note") = ""
    income_wage: float = Field(0, **AMOUNT)
    income_business: float = Field(0, **AMOUNT)
    income_property: float = Field(0, **AMOUNT)
    income_transfer: float = Field(0, **AMOUNT)
    deposits: float = Field(0, le=float(surveys.MONEY_MAX), description="元,调查时")
    housing_count: int = Field(0, ge=0, le=99)
    vehicles_count: int = Field(0, ge=0, le=99)
    expense_medical: float = Field(0, **AMOUNT)
    expense_education: float = Field(0, **AMOUNT)
    cause: Cause
    cause_note: text(Survey, "cause_note") = ""
    no_work_ability: bool = False
    no_supporter: bool = False
    notes: text(Survey, "notes") = ""


class SurveyOut(Schema):
    id: int
    person_id: int
    surveyed_on: date
    members_count: int
    income_total: float
    per_capita_monthly: float
    flags: list[Flag]
    thresholds: dict[str, str] = Field(..., description="所用标准(元/人·月),按标准类别")
    appeal_id: int | None
    surveyor: str

    @staticmethod
    def resolve_surveyor(obj) -> str:
        return obj.surveyor.display_name


class ReferIn(Schema):
    category_code: str = Field("", max_length=40,
                               description="救助类型代码(dibao、tekun、temporary…);默认按提示")


class NoteIn(Schema):
    text: text(CaseNote, "text", min_length=1)


class NoteOut(Schema):
    unit: str
    author: str
    text: str
    at: datetime

    @staticmethod
    def resolve_author(obj) -> str:
        return obj.author.display_name


class MemberOut(Schema):
    id: int
    name: str
    relation_to_head: str
    groups: list[str]

    @staticmethod
    def resolve_groups(obj) -> list[str]:
        return [m.group.name for m in obj.group_memberships.all()]


class DoingOut(Schema):
    unit: str
    what: str


class HouseholdOut(Schema):
    person_id: int
    members: list[MemberOut]
    surveys: list[SurveyOut]
    appeal_ids: list[int]
    doing: list[DoingOut]
    warnings: list[str]
    notes: list[NoteOut]


@router.post("/surveys", response={201: SurveyOut},
             summary="登记家庭经济状况调查(须社会救助数据权限与授权同意);返回人均月收入与提示")
def create_survey(request, payload: SurveyIn):
    data = payload.dict()
    return HttpStatus(201, surveys.survey_record(actor=request.auth, **data))


@router.get("/surveys/{int:pk}", response=SurveyOut, summary="一次家庭经济状况调查")
def get_survey(request, pk: Id):
    return surveys.survey_get(actor=request.auth, pk=pk)


@router.post("/surveys/{int:pk}/refer", response=SurveyOut,
             summary="据调查提示登记诉求(待受理,转介社会救助);每份调查一次")
def refer_survey(request, pk: Id, payload: ReferIn):
    survey = surveys.survey_get(actor=request.auth, pk=pk)
    return surveys.survey_refer(actor=request.auth, survey=survey,
                                category=payload.category_code)


@router.get("/households/{int:pk}", response=HouseholdOut,
            summary="一户一条救助链:成员、调查、诉求、谁在做什么、提示、联合个案记录")
def get_household(request, pk: Id):
    """``pk``: any member of the household (a registered person in care)."""
    found = household_of(actor=request.auth, pk=pk)
    return {"person_id": found.person.pk, "members": found.members, "surveys": found.surveys,
            "appeal_ids": [a.pk for a in found.appeals],
            "doing": [{"unit": unit, "what": what} for unit, what in found.doing],
            "warnings": found.warnings, "notes": found.notes}


@router.post("/households/{int:pk}/notes", response={201: NoteOut},
             summary="联合个案记录(救助、养老、慈善、儿童福利的工作人员)")
def add_case_note(request, pk: Id, payload: NoteIn):
    return HttpStatus(201, surveys.case_note_add(actor=request.auth, person_id=pk,
                                                 text=payload.text))
