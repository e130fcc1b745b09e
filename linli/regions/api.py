from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from linli.core.api_support import LinliPagination, RegionCode
from linli.regions import selectors
from linli.regions.models import Level, VillageKind

router = Router(tags=["行政区划"])


class RegionOut(Schema):
    code: str
    name: str
    level: Level
    level_label: str
    parent_code: str | None
    path: str
    village_kind: VillageKind | Literal[""]

    @staticmethod
    def resolve_level_label(obj) -> str:
        return obj.get_level_display()

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class RegionFilterIn(Schema):
    level: Level | None = Field(
        None, description="1 省 · 2 市(州) · 3 县 · 4 乡镇(街道) · 5 村(社区)")
    parent: RegionCode | None = Field(None, description="上级区划代码")
    q: str = Field("", max_length=100, description="名称包含或代码前缀")


@router.get("/", response=list[RegionOut], summary="区划列表(限本人辖区)")
@paginate(LinliPagination)
def list_regions(request, filters: Query[RegionFilterIn]):
    return selectors.region_list(actor=request.auth, level=filters.level, parent=filters.parent,
                                 q=filters.q).select_related("parent")


@router.get("/{code}", response=RegionOut, summary="区划详情")
def get_region(request, code: RegionCode):
    return selectors.region_get(actor=request.auth, code=code)
