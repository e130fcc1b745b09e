"""Reads of the regions app, every one scoped to the asking user's subtree."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from linli.accounts.access import access_for
from linli.core.errors import NotFound
from linli.regions.models import CODE_LENGTHS, Level, Region, VillageKind


def region_list(*, actor, level: int | None = None, parent: str | None = None,
                q: str = "") -> QuerySet[Region]:
    regions = access_for(actor).filter(Region.objects.all(), "code")
    if level:
        regions = regions.filter(level=level)
    if parent:
        regions = regions.filter(parent__code=parent)
    if q:
        regions = regions.filter(Q(name__contains=q) | Q(code__startswith=q))
    return regions.order_by("code")


def region_get(*, actor, code: str) -> Region:
    if not access_for(actor).covers(code):
        raise NotFound()
    region = Region.objects.filter(code=code).select_related("parent").first()
    if region is None:
        raise NotFound()
    return region


def region_roots(*, actor) -> list[Region]:
    """The top regions of the user's scope (one per membership subtree)."""
    access = access_for(actor)
    if "region_roots" not in access.memo:
        access.memo["region_roots"] = list(
            Region.objects.filter(code__in=access.region_codes).order_by("code"))
    return access.memo["region_roots"]


def region_breadcrumb(*, actor, region: Region) -> list[Region]:
    """Ancestors the user may open, then the region itself."""
    access = access_for(actor)
    visible = [c for c in region.ancestor_codes() if access.covers(c)]
    return [*Region.objects.filter(code__in=visible).order_by("code"), region]


@dataclass
class Tally:
    counties: int = 0
    townships: int = 0
    villages: int = 0
    urban: int = 0
    rural: int = 0

    def add(self, level: int, kind: str, n: int) -> None:
        if level == Level.COUNTY:
            self.counties += n
        elif level == Level.TOWNSHIP:
            self.townships += n
        elif level == Level.VILLAGE:
            self.villages += n
            self.urban += n if kind == VillageKind.URBAN else 0
            self.rural += n if kind == VillageKind.RURAL else 0


def region_tallies(codes_under: str, prefix_length: int, below_level: int) -> dict[str, Tally]:
    """One grouped query: descendants per level under each prefix of the given length."""
    rows = (Region.objects.filter(code__startswith=codes_under, level__gt=below_level)
            .annotate(prefix=Substr("code", 1, prefix_length))
            .values("prefix", "level", "village_kind").annotate(n=Count("id")).order_by())
    tallies: dict[str, Tally] = defaultdict(Tally)
    for row in rows:
        tallies[row["prefix"]].add(row["level"], row["village_kind"], row["n"])
    return tallies


def region_tally(*, region: Region) -> Tally:
    return region_tallies(region.code, len(region.code), region.level)[region.code]


def region_children(*, region: Region) -> list[tuple[Region, Tally]]:
    """The children of a region, each with the counts of what lies beneath it."""
    if region.level == Level.VILLAGE:
        return []
    length = CODE_LENGTHS[region.level + 1]
    tallies = region_tallies(region.code, length, region.level + 1)
    children = region.children.order_by("code")
    return [(child, tallies.get(child.code, Tally())) for child in children]


def scope_tally(*, actor) -> Tally:
    total = Tally()
    for root in region_roots(actor=actor):
        part = region_tally(region=root)
        if root.level == Level.VILLAGE:
            part.add(Level.VILLAGE, root.village_kind, 1)
        for key, value in vars(part).items():
            setattr(total, key, getattr(total, key) + value)
    return total



def region_or_root(*, actor, code: str = "") -> Region:
    """The region asked for (inside the scope), or the user's first root region — what every
    indicator page and endpoint starts from."""
    if code:
        return region_get(actor=actor, code=code)
    roots = region_roots(actor=actor)
    if not roots:
        raise NotFound()
    return roots[0]
