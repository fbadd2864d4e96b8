#!/usr/bin/env python3
"""Reference fixture for HeatGrid's Aggregate tests: counts per cell x category x ISO week.

What it makes (all written next to this script, UTF-8, LF line endings):
  cells.geojson                     6 columns x 5 rows of 0.005 degree square cells from lon 120.70, lat 30.70
                                    (RFC 7946; properties cell_id "C-R<row>-C<col>", name "网格 R<row>C<col>",
                                    parent "P0".."P2"; row 0 is the north row).
  parents.geojson                   the three column-pair rectangles P0 (cols 0-1), P1 (cols 2-3), P2 (cols 4-5).
  incidents.csv                     3,000 rows `id,lon,lat,time,category` (random points and times plus
                                    hand-written ISO-week boundary cases and 5 rows with an empty time).
  expected_cell_category_week.csv   `cell_id,category,week,count`, pandas groupby of located, timed incidents.
  expected_parent_week.csv          `parent_id,week,count`, the same incidents rolled up to the parents.
  expected_totals.csv               `rows,in_cells,outside,no_time` for the whole incidents file.
  README.md                         description, exact command, package versions, boundary cases, no-time ids.

How to run (from the repository root; never install into the repository):
  python3 -m venv /tmp/refvenv
  /tmp/refvenv/bin/pip install numpy pandas shapely
  /tmp/refvenv/bin/python Tests/AggregateTests/Reference/make_reference.py

Packages: numpy (default_rng, fixed seed), pandas (groupby, isocalendar cross-check), shapely (contains).
Python >= 3.11 (datetime.fromisoformat reads a trailing "Z"). The output is deterministic for a given numpy
version; numpy does not promise an identical Generator stream across versions, so README.md records the
versions that produced the committed files.

Conventions (the reference is computed independently of the Swift code):
  * A time without an offset is local China Standard Time (Asia/Shanghai, UTC+8, no DST since 1991); a time
    with `Z`, `+00:00` or `+08:00` is converted to Asia/Shanghai first. The ISO week (Monday start, week 1
    holds the year's first Thursday) is that of the local date, written `YYYY-Www` with the ISO year.
  * Rows with an empty time are located (they count in `in_cells`/`outside`) but appear in no week count.
  * A point belongs to the cell whose polygon `contains` it (shapely); no point is within 1e-6 degree of any
    grid line, so boundary conventions never matter.
"""

from __future__ import annotations

import csv
import io
import json
import platform
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point, box

OUT = Path(__file__).resolve().parent
SEED = 20260105

# Grid geometry in integer micro-degrees so every coordinate is exact in decimal text.
LON0_U, LAT0_U, STEP_U = 120_700_000, 30_700_000, 5_000
NCOLS, NROWS = 6, 5
PARENTS = [("P0", "西片", 0, 2), ("P1", "中片", 2, 4), ("P2", "东片", 4, 6)]  # id, name, first col, end col

N_ROWS_TOTAL = 3000
EDGE_GAP_U = 1  # a point must be more than 1 micro-degree (1e-6 degree) from every grid line

# Sampling box: a margin around the grid so that about 10 % of uniform points fall outside every cell.
# Grid 30,000 x 25,000 micro-degrees; margins 800 / 700 give 0.03 * 0.025 / (0.0316 * 0.0264) = 0.899 inside.
BOX_W_U, BOX_E_U = LON0_U - 800, LON0_U + NCOLS * STEP_U + 800
BOX_S_U, BOX_N_U = LAT0_U - 700, LAT0_U + NROWS * STEP_U + 700

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")  # fixed UTC+8, cross-checked against tzdata below

RAW_CATEGORIES = ["theft", "fraud", "dispute", "fire", "traffic", "service",
                  "盗窃", "入室盗窃", "电信网络诈骗", "纠纷", "抢劫"]

# mirrors the default category table of HeatGrid's Aggregate module
CATEGORY_CODE = {
    "theft": "theft",
    "盗窃": "theft",
    "入室盗窃": "burglary",
    "fraud": "fraud",
    "电信网络诈骗": "fraud",
    "dispute": "dispute",
    "纠纷": "dispute",
    "fire": "fire",
    "traffic": "traffic",
    "service": "service",
}
OTHER = "other"  # anything not in the table above (here: 抢劫)

# Hand-written ISO-week boundary cases: (time text, expected local time, expected ISO week, why).
# Each is placed inside a cell; the script asserts its own computation agrees with these expectations.
BOUNDARY_CASES = [
    ("2025-12-28T23:30:00",       "2025-12-28 23:30:00", "2025-W52", "local Sunday night before 2026-W01"),
    ("2025-12-28T15:59:59+00:00", "2025-12-28 23:59:59", "2025-W52", "UTC offset, still Sunday locally"),
    ("2025-12-28T16:30:00Z",      "2025-12-29 00:30:00", "2026-W01", "UTC Sunday, local Monday of 2026-W01"),
    ("2025-12-29T00:10:00",       "2025-12-29 00:10:00", "2026-W01", "local Monday 00:10, calendar year 2025"),
    ("2025-12-31T23:59:59",       "2025-12-31 23:59:59", "2026-W01", "calendar 2025, ISO year 2026"),
    ("2025-12-31T16:00:00Z",      "2026-01-01 00:00:00", "2026-W01", "UTC New Year's Eve, local New Year"),
    ("2026-01-04T15:30:00Z",      "2026-01-04 23:30:00", "2026-W01", "UTC, local Sunday 23:30"),
    ("2026-01-04T15:59:59Z",      "2026-01-04 23:59:59", "2026-W01", "UTC, last local second of 2026-W01"),
    ("2026-01-04T23:30:00",       "2026-01-04 23:30:00", "2026-W01", "local Sunday 23:30"),
    ("2026-01-04T16:00:00+00:00", "2026-01-05 00:00:00", "2026-W02", "UTC Sunday 16:00 = local Monday 00:00"),
    ("2026-01-04T17:30:00Z",      "2026-01-05 01:30:00", "2026-W02", "UTC Sunday, local Monday 01:30"),
    ("2026-01-05T00:00:00",       "2026-01-05 00:00:00", "2026-W02", "local Monday midnight"),
    ("2026-01-11T23:45:00",       "2026-01-11 23:45:00", "2026-W02", "local Sunday 23:45"),
    ("2026-01-11T16:15:00+00:00", "2026-01-12 00:15:00", "2026-W03", "UTC Sunday, local Monday 00:15"),
    ("2026-12-27T23:30:00",       "2026-12-27 23:30:00", "2026-W52", "local Sunday before 2026-W53"),
    ("2026-12-27T16:30:00Z",      "2026-12-28 00:30:00", "2026-W53", "UTC Sunday, local Monday of 2026-W53"),
    ("2026-12-28T00:05:00",       "2026-12-28 00:05:00", "2026-W53", "local Monday 00:05 of 2026-W53"),
    ("2026-12-31T23:59:59",       "2026-12-31 23:59:59", "2026-W53", "last second of calendar 2026"),
    ("2026-12-31T16:00:00Z",      "2027-01-01 00:00:00", "2026-W53", "UTC 2026, local 2027, ISO year 2026"),
    ("2027-01-01T12:00:00",       "2027-01-01 12:00:00", "2026-W53", "calendar 2027, ISO year 2026"),
    ("2027-01-03T15:30:00+00:00", "2027-01-03 23:30:00", "2026-W53", "UTC, local Sunday 23:30 of 2026-W53"),
    ("2027-01-03T23:45:00",       "2027-01-03 23:45:00", "2026-W53", "local Sunday 23:45 of 2026-W53"),
    ("2027-01-03T16:30:00Z",      "2027-01-04 00:30:00", "2027-W01", "UTC Sunday, local Monday of 2027-W01"),
    ("2027-01-04T00:00:00",       "2027-01-04 00:00:00", "2027-W01", "local Monday midnight of 2027-W01"),
]

N_NO_TIME = 5


# ---------------------------------------------------------------- geometry

def deg(u: int) -> float:
    """Micro-degrees to the nearest double (prints with at most 6 decimals)."""
    return u / 1_000_000


def deg_text(u: int) -> str:
    sign = "-" if u < 0 else ""
    u = abs(u)
    return f"{sign}{u // 1_000_000}.{u % 1_000_000:06d}"


def rect_ring(w: int, s: int, e: int, n: int) -> list[list[float]]:
    """Counter-clockwise exterior ring (RFC 7946 right-hand rule), closed."""
    return [[deg(w), deg(s)], [deg(e), deg(s)], [deg(e), deg(n)], [deg(w), deg(n)], [deg(w), deg(s)]]


def cell_bounds(row: int, col: int) -> tuple[int, int, int, int]:
    """(west, south, east, north) in micro-degrees; row 0 is the north row."""
    w = LON0_U + col * STEP_U
    n = LAT0_U + (NROWS - row) * STEP_U
    return w, n - STEP_U, w + STEP_U, n


def parent_of_col(col: int) -> str:
    for pid, _, c0, c1 in PARENTS:
        if c0 <= col < c1:
            return pid
    raise ValueError(col)


def build_cells():
    features, polys = [], []
    for row in range(NROWS):
        for col in range(NCOLS):
            w, s, e, n = cell_bounds(row, col)
            cid = f"C-R{row}-C{col}"
            features.append({
                "type": "Feature",
                "properties": {"cell_id": cid, "name": f"网格 R{row}C{col}", "parent": parent_of_col(col)},
                "geometry": {"type": "Polygon", "coordinates": [rect_ring(w, s, e, n)]},
            })
            polys.append((cid, parent_of_col(col), shapely.Polygon(rect_ring(w, s, e, n))))
    return {"type": "FeatureCollection", "features": features}, polys


def build_parents():
    features, polys = [], []
    s, n = LAT0_U, LAT0_U + NROWS * STEP_U
    for pid, name, c0, c1 in PARENTS:
        w, e = LON0_U + c0 * STEP_U, LON0_U + c1 * STEP_U
        features.append({
            "type": "Feature",
            "properties": {"id": pid, "name": name},
            "geometry": {"type": "Polygon", "coordinates": [rect_ring(w, s, e, n)]},
        })
        polys.append((pid, shapely.Polygon(rect_ring(w, s, e, n))))
    return {"type": "FeatureCollection", "features": features}, polys


def write_geojson(path: Path, fc: dict) -> None:
    # One feature per line keeps the file small and diffs readable.
    lines = ['{"type": "FeatureCollection", "features": [']
    feats = [json.dumps(f, ensure_ascii=False, separators=(", ", ": ")) for f in fc["features"]]
    lines.append(",\n".join(feats))
    lines.append("]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- sampling

LON_LINES_U = [LON0_U + k * STEP_U for k in range(NCOLS + 1)]
LAT_LINES_U = [LAT0_U + k * STEP_U for k in range(NROWS + 1)]


def near_edge(x_u: int, y_u: int) -> bool:
    return (min(abs(x_u - g) for g in LON_LINES_U) <= EDGE_GAP_U
            or min(abs(y_u - g) for g in LAT_LINES_U) <= EDGE_GAP_U)


def sample_point(rng, w: int, s: int, e: int, n: int) -> tuple[int, int]:
    while True:
        x_u = int(rng.integers(w, e + 1))
        y_u = int(rng.integers(s, n + 1))
        if not near_edge(x_u, y_u):
            return x_u, y_u


def sample_in_random_cell(rng) -> tuple[int, int]:
    row, col = int(rng.integers(0, NROWS)), int(rng.integers(0, NCOLS))
    w, s, e, n = cell_bounds(row, col)
    return sample_point(rng, w + 500, s + 500, e - 500, n - 500)


def format_time(local: datetime, style: str) -> str:
    if style == "local":
        return local.strftime("%Y-%m-%dT%H:%M:%S")
    if style == "+08:00":
        return local.strftime("%Y-%m-%dT%H:%M:%S") + "+08:00"
    utc = (local - timedelta(hours=8))
    return utc.strftime("%Y-%m-%dT%H:%M:%S") + ("Z" if style == "Z" else "+00:00")


def build_incidents(rng) -> list[dict]:
    rows: list[dict] = []
    # Hand-written boundary cases, inside cells.
    for k, (text, _, _, _) in enumerate(BOUNDARY_CASES):
        x_u, y_u = sample_in_random_cell(rng)
        rows.append({"lon_u": x_u, "lat_u": y_u, "time": text,
                     "category": RAW_CATEGORIES[k % len(RAW_CATEGORIES)], "kind": "boundary", "case": k})
    # Rows with an empty time: four inside cells, one outside the grid (west of it).
    for k in range(N_NO_TIME):
        if k < N_NO_TIME - 1:
            x_u, y_u = sample_in_random_cell(rng)
        else:
            x_u, y_u = sample_point(rng, BOX_W_U, LAT0_U + 1000, LON0_U - 100, LAT0_U + 24_000)
        rows.append({"lon_u": x_u, "lat_u": y_u, "time": "",
                     "category": RAW_CATEGORIES[(3 * k + 1) % len(RAW_CATEGORIES)], "kind": "no_time"})
    # Random rows: uniform in the sampling box; 92 % in 2025-12-15 .. 2026-02-10, 8 % in 2026-12-21 .. 2027-01-10.
    main_start = datetime(2025, 12, 15)
    main_span = int((datetime(2026, 2, 11) - main_start).total_seconds())
    late_start = datetime(2026, 12, 21)
    late_span = int((datetime(2027, 1, 11) - late_start).total_seconds())
    styles = ["local", "Z", "+00:00", "+08:00"]
    style_p = [0.82, 0.09, 0.06, 0.03]
    while len(rows) < N_ROWS_TOTAL:
        x_u, y_u = sample_point(rng, BOX_W_U, BOX_S_U, BOX_E_U, BOX_N_U)
        if rng.random() < 0.92:
            local = main_start + timedelta(seconds=int(rng.integers(0, main_span)))
        else:
            local = late_start + timedelta(seconds=int(rng.integers(0, late_span)))
        style = styles[int(rng.choice(len(styles), p=style_p))]
        rows.append({"lon_u": x_u, "lat_u": y_u, "time": format_time(local, style),
                     "category": RAW_CATEGORIES[int(rng.integers(0, len(RAW_CATEGORIES)))], "kind": "random"})
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    for i, r in enumerate(rows, start=1):
        r["id"] = f"INC-{i:04d}"
    return rows


def write_incidents(path: Path, rows: list[dict]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "lon", "lat", "time", "category"])
    for r in rows:
        w.writerow([r["id"], deg_text(r["lon_u"]), deg_text(r["lat_u"]), r["time"], r["category"]])
    path.write_text(buf.getvalue(), encoding="utf-8")


# ---------------------------------------------------------------- reference computation

def local_time(text: str) -> datetime | None:
    if text == "":
        return None
    t = datetime.fromisoformat(text)
    if t.tzinfo is None:
        t = t.replace(tzinfo=SHANGHAI)
    local = t.astimezone(SHANGHAI)
    assert local == t.astimezone(ZoneInfo("Asia/Shanghai")) and \
        t.astimezone(ZoneInfo("Asia/Shanghai")).utcoffset() == timedelta(hours=8), text
    return local


def iso_week(local: datetime) -> str:
    y, w, _ = local.isocalendar()
    return f"{y:04d}-W{w:02d}"


def compute(incidents_path: Path, cell_polys, parent_polys) -> tuple[pd.DataFrame, dict]:
    """Reads incidents.csv back as text (so the reference sees exactly the committed bytes)."""
    df = pd.read_csv(incidents_path, dtype=str, keep_default_na=False, encoding="utf-8")
    lon = df["lon"].astype(float).to_numpy()
    lat = df["lat"].astype(float).to_numpy()

    cell = np.full(len(df), "", dtype=object)
    parent = np.full(len(df), "", dtype=object)
    for cid, pid, poly in cell_polys:
        inside = shapely.contains_xy(poly, lon, lat)
        assert not np.any(inside & (cell != "")), f"point in two cells ({cid})"
        cell[inside] = cid
        parent[inside] = pid
    # Cross-check the roll-up against the parent polygons themselves.
    parent_geo = np.full(len(df), "", dtype=object)
    for pid, poly in parent_polys:
        parent_geo[shapely.contains_xy(poly, lon, lat)] = pid
    assert np.array_equal(parent, parent_geo)
    # Cross-check the cell against integer arithmetic on the micro-degree text.
    for i in range(len(df)):
        x_u = int(df["lon"][i].replace(".", "")); y_u = int(df["lat"][i].replace(".", ""))
        c = (x_u - LON0_U) // STEP_U; r = NROWS - 1 - (y_u - LAT0_U) // STEP_U
        expect = f"C-R{r}-C{c}" if (LON0_U < x_u < LON0_U + NCOLS * STEP_U
                                    and LAT0_U < y_u < LAT0_U + NROWS * STEP_U) else ""
        assert cell[i] == expect, (df["id"][i], cell[i], expect)
        assert not near_edge(x_u, y_u)

    locals_ = [local_time(t) for t in df["time"]]
    df["cell_id"] = cell
    df["parent_id"] = parent
    df["category_code"] = [CATEGORY_CODE.get(c, OTHER) for c in df["category"]]
    df["local"] = locals_
    df["week"] = [iso_week(t) if t is not None else "" for t in locals_]

    # pandas isocalendar on the naive local times must agree with Python's.
    timed = df["week"] != ""
    naive = pd.to_datetime(pd.Series([t.replace(tzinfo=None) for t in df.loc[timed, "local"]]))
    cal = naive.dt.isocalendar()
    pd_week = [f"{int(y):04d}-W{int(w):02d}" for y, w in zip(cal["year"], cal["week"])]
    assert pd_week == list(df.loc[timed, "week"])

    totals = {
        "rows": len(df),
        "in_cells": int((df["cell_id"] != "").sum()),
        "outside": int((df["cell_id"] == "").sum()),
        "no_time": int((df["time"] == "").sum()),
    }
    return df, totals


def main() -> None:
    assert sys.version_info >= (3, 11), "needs Python 3.11+ (fromisoformat with Z)"
    rng = np.random.default_rng(SEED)

    cells_fc, cell_polys = build_cells()
    parents_fc, parent_polys = build_parents()
    # The parents are exactly the unions of their cells.
    for pid, ppoly in parent_polys:
        union = shapely.union_all([p for _, q, p in cell_polys if q == pid])
        assert union.equals(ppoly) and ppoly.exterior.is_ccw, pid
    write_geojson(OUT / "cells.geojson", cells_fc)
    write_geojson(OUT / "parents.geojson", parents_fc)

    rows = build_incidents(rng)
    write_incidents(OUT / "incidents.csv", rows)

    df, totals = compute(OUT / "incidents.csv", cell_polys, parent_polys)

    # Boundary cases: the computed local time and week must match the hand-written expectations.
    by_case = {}
    for r in rows:
        if r["kind"] == "boundary":
            by_case[r["case"]] = r["id"]
    indexed = df.set_index("id")
    for k, (text, exp_local, exp_week, _) in enumerate(BOUNDARY_CASES):
        rec = indexed.loc[by_case[k]]
        assert rec["time"] == text and rec["cell_id"] != ""
        assert rec["local"].strftime("%Y-%m-%d %H:%M:%S") == exp_local, (text, rec["local"])
        assert rec["week"] == exp_week, (text, rec["week"], exp_week)
    no_time_ids = sorted(r["id"] for r in rows if r["kind"] == "no_time")

    counted = df[(df["cell_id"] != "") & (df["week"] != "")]
    ccw = (counted.groupby(["cell_id", "category_code", "week"]).size()
           .rename("count").reset_index().rename(columns={"category_code": "category"})
           .sort_values(["cell_id", "category", "week"]))
    ccw.to_csv(OUT / "expected_cell_category_week.csv", index=False, lineterminator="\n", encoding="utf-8")
    pw = (counted.groupby(["parent_id", "week"]).size().rename("count").reset_index()
          .sort_values(["parent_id", "week"]))
    pw.to_csv(OUT / "expected_parent_week.csv", index=False, lineterminator="\n", encoding="utf-8")
    pd.DataFrame([totals]).to_csv(OUT / "expected_totals.csv", index=False, lineterminator="\n")

    # Consistency checks.
    assert totals["in_cells"] + totals["outside"] == totals["rows"]
    no_time_in_cells = int(((df["cell_id"] != "") & (df["time"] == "")).sum())
    assert int(ccw["count"].sum()) == totals["in_cells"] - no_time_in_cells == int(pw["count"].sum())
    weeks = set(ccw["week"])
    for wk in ["2025-W52", "2026-W01", "2026-W02", "2026-W52", "2026-W53", "2027-W01"]:
        assert wk in weeks, wk
    assert (ccw["count"] > 0).all()

    write_readme(rows, df, totals, ccw, pw, no_time_ids, no_time_in_cells)
    print(f"rows={totals['rows']} in_cells={totals['in_cells']} outside={totals['outside']} "
          f"no_time={totals['no_time']} cell_category_week_rows={len(ccw)} parent_week_rows={len(pw)}")


def write_readme(rows, df, totals, ccw, pw, no_time_ids, no_time_in_cells) -> None:
    indexed = df.set_index("id")
    boundary_rows = sorted((r for r in rows if r["kind"] == "boundary"), key=lambda r: r["case"])
    case_lines = []
    for r in boundary_rows:
        text, exp_local, exp_week, why = BOUNDARY_CASES[r["case"]]
        rec = indexed.loc[r["id"]]
        case_lines.append(f"| {r['id']} | `{text}` | {exp_local} | {exp_week} | {rec['cell_id']} | "
                          f"{r['category']} → {rec['category_code']} | {why} |")
    no_time_lines = [f"| {i} | {indexed.loc[i, 'cell_id'] or '(outside)'} | {indexed.loc[i, 'category']} |"
                     for i in no_time_ids]
    weeks = sorted(set(ccw["week"]))
    styles = {
        "no offset (local)": int(df["time"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d").sum()),
        "`Z`": int(df["time"].str.endswith("Z").sum()),
        "`+00:00`": int(df["time"].str.endswith("+00:00").sum()),
        "`+08:00`": int(df["time"].str.endswith("+08:00").sum()),
        "empty": int((df["time"] == "").sum()),
    }
    raw_counts = df["category"].value_counts()
    text = f"""# Aggregate reference: counts per cell × category × ISO week

Generated by `make_reference.py` in this folder; do not edit the data files by hand, rerun the script.

<!-- no-time ids (empty `time`, excluded from every week count): {", ".join(no_time_ids)} -->

## How to regenerate

From the repository root (the virtual environment lives in /tmp, never in the repository):

```sh
python3 -m venv /tmp/refvenv
/tmp/refvenv/bin/pip install numpy=={np.__version__} pandas=={pd.__version__} shapely=={shapely.__version__}
/tmp/refvenv/bin/python Tests/AggregateTests/Reference/make_reference.py
```

Produced with Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__},
shapely {shapely.__version__} (GEOS {shapely.geos_version_string}); seed `{SEED}` with `numpy.random.default_rng`.
numpy does not promise the same random stream across versions, so other versions may give different (but
equally self-consistent) files. The script fails loudly if one of its checks breaks: totals add up, week
tables sum to the located timed rows, every boundary case gets its hand-written local time and week, and
cells agree between shapely, integer arithmetic and the parent polygons.

## Files

| File | Rows | What it is |
|---|---|---|
| `cells.geojson` | 30 features | RFC 7946 FeatureCollection, 6 columns × 5 rows of 0.005° squares, west edge lon 120.70, south edge lat 30.70 (grid 120.70–120.73 × 30.70–30.725). Counter-clockwise rings, at most 6 decimals. Properties `cell_id` `C-R<row>-C<col>` (row 0 is the **north** row, col 0 the west column), `name` `网格 R<row>C<col>`, `parent` `P0`/`P1`/`P2`. |
| `parents.geojson` | 3 features | The union rectangles of column pairs: `P0` cols 0–1 (lon 120.70–120.71), `P1` cols 2–3 (120.71–120.72), `P2` cols 4–5 (120.72–120.73), full grid height. Properties `id`, `name` (`P0` 西片, `P1` 中片, `P2` 东片: west to east). |
| `incidents.csv` | {totals['rows']} data rows | `id,lon,lat,time,category`. Points uniform over lon {deg_text(BOX_W_U)}–{deg_text(BOX_E_U)}, lat {deg_text(BOX_S_U)}–{deg_text(BOX_N_U)} (~10 % outside every cell), 6 decimals, never within 1e-6° of any grid line (resampled). |
| `expected_cell_category_week.csv` | {len(ccw)} rows | `cell_id,category,week,count`; non-zero groups only, sorted by cell_id, category, week (plain string order). |
| `expected_parent_week.csv` | {len(pw)} rows | `parent_id,week,count`; same incidents, all categories, rolled up to the parents. |
| `expected_totals.csv` | 1 row | `rows,in_cells,outside,no_time` = {totals['rows']},{totals['in_cells']},{totals['outside']},{totals['no_time']}. |

`in_cells` counts located rows with or without a time; {no_time_in_cells} of the {totals['no_time']} no-time rows are in
cells, so the week tables sum to {totals['in_cells']} − {no_time_in_cells} = {int(ccw['count'].sum())}.

## Conventions

* **Time zone.** A time without an offset (`2026-01-05T08:30:00`) is local Asia/Shanghai time (UTC+8, no
  daylight saving since 1991). A time with `Z`, `+00:00` or `+08:00` is converted to Asia/Shanghai first.
  The week is that of the **local** date, so `2026-01-04T17:30:00Z` (2026-01-05 01:30 local) is 2026-W02.
* **Weeks.** ISO 8601 weeks, Monday start, week 1 is the week holding the year's first Thursday; label
  `YYYY-Www` with the ISO week-year (Python `date.isocalendar()`, cross-checked with pandas
  `Series.dt.isocalendar()`). 2025-12-29..2026-01-04 is 2026-W01; 2026 has 53 weeks (2026-12-28..2027-01-03
  is 2026-W53); 2027-W01 starts Monday 2027-01-04.
* **Empty time.** Excluded from every week count, still counted in `rows`, `in_cells`/`outside`, `no_time`.
* **Location.** shapely `Polygon.contains` (via `shapely.contains_xy`); no point is on or near an edge, so
  closed/open boundary rules never matter. Cross-checked by integer arithmetic on the micro-degree text and
  against `parents.geojson`.
* **Categories** (mirrors the default category table of HeatGrid's Aggregate module):

  | raw | code |
  |---|---|
  | theft, 盗窃 | theft |
  | 入室盗窃 | burglary |
  | fraud, 电信网络诈骗 | fraud |
  | dispute, 纠纷 | dispute |
  | fire | fire |
  | traffic | traffic |
  | service | service |
  | anything else (here 抢劫) | other |

  Raw strings in the file: {", ".join(f"{k} {v}" for k, v in raw_counts.sort_index().items())}.

## Time forms in incidents.csv

{", ".join(f"{k}: {v}" for k, v in styles.items())}. Random times: 92 % in 2025-12-15..2026-02-10, 8 % in
2026-12-21..2027-01-10 (local). Weeks present in the expected tables: {", ".join(weeks)}.

## Deliberate boundary cases (all inside a cell)

| id | time text | local time | ISO week | cell | category | why |
|---|---|---|---|---|---|---|
{chr(10).join(case_lines)}

## Rows with an empty time

| id | cell | category |
|---|---|---|
{chr(10).join(no_time_lines)}
"""
    (OUT / "README.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
