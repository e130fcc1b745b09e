"""Writes of the regions app: loading the shipped NBS 2023 list of Qinghai."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from linli.regions.models import Region

DATA_FILE = Path(__file__).resolve().parent / "data" / "qinghai_2023.csv"


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    total: int


def _read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return sorted(rows, key=lambda row: (int(row["level"]), row["code"]))


@transaction.atomic
def regions_load(*, path: Path = DATA_FILE) -> LoadResult:
    """Create or update every region of the data file; running it twice changes nothing."""
    existing = {region.code: region for region in Region.objects.all()}
    rows = _read_rows(path)
    created = updated = 0
    for level in range(1, 6):
        new, changed = [], []
        for row in (r for r in rows if int(r["level"]) == level):
            parent = existing.get(row["parent_code"]) if row["parent_code"] else None
            path_text = f"{parent.path}/{row['name']}" if parent else row["name"]
            values = {"name": row["name"], "level": level, "parent": parent,
                      "path": path_text, "village_kind": row["village_kind"]}
            region = existing.get(row["code"])
            if region is None:
                region = Region(code=row["code"], **values)
                existing[row["code"]] = region
                new.append(region)
            elif any(getattr(region, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(region, key, value)
                changed.append(region)
        Region.objects.bulk_create(new, batch_size=1000)
        Region.objects.bulk_update(
            changed, ["name", "level", "parent", "path", "village_kind"], batch_size=1000
        )
        created, updated = created + len(new), updated + len(changed)
    return LoadResult(created=created, updated=updated, total=len(existing))


def regions_ensure_loaded() -> None:
    """Cheap guard for commands and tests: load only when the table is empty."""
    if not Region.objects.exists():
        regions_load()


def seed_regions(*, size: str, stdout) -> None:
    result = regions_load()
    stdout.write(f"行政区划:新增 {result.created},更新 {result.updated},共 {result.total}")
