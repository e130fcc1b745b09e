import csv

import pytest

from linli.regions.models import Level, Region, VillageKind
from linli.regions.services import DATA_FILE, regions_load

pytestmark = pytest.mark.django_db


def test_it_has_all_of_qinghai_from_the_nbs_2023_list():
    counts = {level: Region.objects.filter(level=level).count() for level in Level}
    assert counts == {Level.PROVINCE: 1, Level.PREFECTURE: 8, Level.COUNTY: 45,
                      Level.TOWNSHIP: 422, Level.VILLAGE: 4716}


def test_it_keeps_the_dachaidan_administrative_committee():
    region = Region.objects.get(code="632857")
    assert region.name == "大柴旦行政委员会"
    assert region.level == Level.COUNTY
    assert region.parent.code == "6328"


def test_it_knows_parent_and_full_path():
    village = Region.objects.filter(code__startswith="630202001", level=Level.VILLAGE).first()
    assert village.parent.code == "630202001"
    assert village.path.startswith("青海省/海东市/乐都区/碾伯街道/")
    assert village.ancestor_codes() == ["63", "6302", "630202", "630202001"]


def test_it_tells_urban_communities_from_rural_villages():
    assert Region.objects.get(code="630102001001").village_kind == VillageKind.URBAN
    rural = Region.objects.filter(level=Level.VILLAGE, name__endswith="村民委员会")
    assert rural.exists()
    assert set(rural.values_list("village_kind", flat=True)) == {VillageKind.RURAL}
    assert not Region.objects.filter(level=Level.VILLAGE, village_kind="").exists()
    assert not Region.objects.filter(level__lt=Level.VILLAGE).exclude(village_kind="").exists()


def test_it_loads_idempotently():
    before = Region.objects.count()
    result = regions_load()
    assert (result.created, result.updated, result.total) == (0, 0, before)
    assert Region.objects.count() == before


def test_it_updates_a_renamed_region_and_its_path(tmp_path):
    with open(DATA_FILE, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["code"] == "630202":
            row["name"] = "乐都区(改)"
    changed = tmp_path / "regions.csv"
    with open(changed, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = regions_load(path=changed)
    assert result.created == 0
    descendants = Region.objects.filter(code__startswith="630202").count()
    assert result.updated == descendants
    assert Region.objects.get(code="630202001").path == "青海省/海东市/乐都区(改)/碾伯街道"
