import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from django.conf import settings
from ninja import Field, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from linli.core.api_support import Day, Id, RegionFilter, text
from linli.people.api import LoggedPagination
from linli.regions.selectors import region_or_root
from linli.visits import photos, selectors, services
from linli.visits.models import CHECKLIST, Mode, Outcome, Visit

# What each point of the visit checklist (models.CHECKLIST) says, by its key.
Checklist = dict[Literal[tuple(key for key, _label in CHECKLIST)],
                 Annotated[str, Field(max_length=200)]]

router = Router(tags=["探访"])


# A photo's base64 text: 4 characters per 3 bytes, and its data: prefix.
PHOTO_CHARS = 4 * -(-settings.LINLI_VISIT_PHOTO_MAX_BYTES // 3) + 32


class LocationIn(Schema, extra="forbid"):
    latitude: float = Field(..., ge=-90, le=90, description="纬度(WGS 84)")
    longitude: float = Field(..., ge=-180, le=180, description="经度(WGS 84)")
    accuracy: float | None = Field(None, ge=0, le=services.LOCATION_ACCURACY_MAX,
                                   description="定位精度(米)")


class VisitIn(Schema):
    id: uuid.UUID = Field(..., description="客户端生成的编号;重复提交同一编号只记录一次")
    person_id: Id
    visited_at: datetime
    mode: Mode
    outcome: Outcome
    met: text(Visit, "met") = ""
    checklist: Checklist = {}
    notes: text(Visit, "notes") = ""
    needs: text(Visit, "needs") = ""
    duration_minutes: int = Field(30, ge=1, le=600)
    offline: bool = False
    photo: str | None = Field(
        None, max_length=PHOTO_CHARS, pattern=r"^data:image/(jpeg|png);base64,",
        description="照片(可选):data:image/jpeg;base64,… 或 PNG;"
                    "页面在手机上压缩为 JPEG(长边约 1280 像素)后随探访上传")
    location: LocationIn | None = Field(None, description="探访位置(可选,经本人同意后由浏览器定位)")


class VisitOut(Schema):
    id: uuid.UUID
    person_id: int
    visited_at: datetime
    mode: Mode
    outcome: Outcome
    recorded_at: datetime
    has_photo: bool
    location: LocationIn | None

    @staticmethod
    def resolve_has_photo(obj) -> bool:
        return bool(obj.photo)

    @staticmethod
    def resolve_location(obj) -> dict | None:
        if obj.latitude is None:
            return None
        return {"latitude": float(obj.latitude), "longitude": float(obj.longitude),
                "accuracy": obj.location_accuracy}


class DueOut(Schema):
    person_id: int
    name: str
    region_path: str
    next_due: date
    last_visit_on: date | None

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_region_path(obj) -> str:
        return obj.person.region.path


class RateOut(Schema):
    region_code: str
    region_name: str
    due: int
    visited: int
    rate: float


@router.post("/", response={200: VisitOut, 201: VisitOut},
             summary="记录一次探访(幂等:同一编号重复提交返回已记录的探访)")
def record_visit(request, payload: VisitIn):
    photo = photos.from_data_url(payload.photo) if payload.photo else None
    location = services.Location(**payload.location.dict()) if payload.location else None
    visit, created = services.visit_record(actor=request.auth, visit_id=payload.id,
                                           photo=photo, location=location,
                                           **payload.dict(exclude={"id", "photo", "location"}))
    return HttpStatus(201 if created else 200, visit)


@router.get("/worklist", response=list[DueOut], summary="探访工作清单(overdue/week/never/all)")
@paginate(LoggedPagination)
def worklist(request, kind: Literal[selectors.WORKLISTS] = "overdue",
             region: RegionFilter = ""):
    return selectors.worklist(actor=request.auth, kind=kind, region=region)


@router.get("/rate", response=list[RateOut], summary="月探访率(本区划及下级)")
def visit_rate(request, region: RegionFilter = "", month: Day | None = None):
    root = region_or_root(actor=request.auth, code=region)
    return [{"region_code": r.region.code, "region_name": r.region.name, "due": r.due,
             "visited": r.visited, "rate": round(r.rate, 4)}
            for r in selectors.visit_rate(actor=request.auth, region=root, month=month)]
