from datetime import datetime

from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus

from linli.care import selectors, services
from linli.care.models import ServiceKind, ServiceRecord
from linli.core.api_support import Id, RegionFilter, text
from linli.regions.selectors import region_or_root

router = Router(tags=["服务与助餐"])


class ServiceIn(Schema):
    person_id: Id
    kind: ServiceKind
    served_at: datetime
    duration_minutes: int = Field(..., ge=1, le=1440)
    organisation_id: Id | None = None
    volunteer_id: Id | None = None
    notes: text(ServiceRecord, "notes") = ""


class ServiceOut(Schema):
    id: int
    person_id: int
    kind: ServiceKind
    served_at: datetime
    duration_minutes: int


class CircleOut(Schema):
    region_code: str
    region_name: str
    communities: int
    located: int
    covered: int
    rate: float


@router.post("/services", response={201: ServiceOut}, summary="登记一次服务")
def record_service(request, payload: ServiceIn):
    return HttpStatus(201, services.service_record(actor=request.auth, **payload.dict()))


@router.get("/circle", response=list[CircleOut], summary="十五分钟养老服务圈覆盖")
def service_circle(request, region: RegionFilter = "",
                   meters: int | None = Query(None, ge=100, le=20_000)):
    root = region_or_root(actor=request.auth, code=region)
    return [{"region_code": c.region.code, "region_name": c.region.name,
             "communities": c.communities, "located": c.located, "covered": c.covered,
             "rate": round(c.rate, 4)}
            for c in selectors.service_circle(actor=request.auth, region=root, meters=meters)]
