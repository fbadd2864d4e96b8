#!/usr/bin/env python3
"""Seeded benchmark workload: the same files feed HeatGrid and its Python peers.

usage: make_workload.py OUT_DIR [--points N ...] [--seed S] [--cell METRES]
needs: shapely>=2, pyproj, numpy (Benchmarks/run.sh installs them in a virtual environment)

Reads ../../geodata/jiaxing.geojson (GCJ-02 lon/lat, treated as plain lon/lat) and writes:
  cells_500m.geojson  the 7 districts cut into 500 m squares in UTM 51N (origin pinned to a multiple of the cell
                      size), as lon/lat polygons; properties cell_id (ADCODE-RRR-CCC), district, row, col.
                      19,799 cells with the default arguments.
  incidents_N.csv     id,lon,lat,time,category: N incidents around 60 seeded hot spots (Zipf-like weights,
                      spreads 80-900 m); a quarter uniform over a box 5 km wider than the city, so about 15 %
                      fall outside every cell and must come out unassigned, never lost.
  workload.json       what was written, with counts the benchmarks check their answers against.
The default seed and cell size reproduce the files of the project's reference workload byte for byte.
"""
import argparse
import json
import os

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import mapping, shape

GEODATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "geodata", "jiaxing.geojson")
CATEGORIES = ["theft", "fraud", "dispute", "fire", "traffic", "service"]
CATEGORY_SHARES = [0.30, 0.12, 0.22, 0.06, 0.12, 0.18]


def to_crs(geometry, transformer):
    return shapely.transform(geometry, lambda c: np.column_stack(transformer.transform(c[:, 0], c[:, 1])))


def grid_cells(districts, cell, to_lonlat):
    """Squares of `cell` metres over the union's bounds, each district's intersection with them."""
    minx, miny, _, _ = shapely.union_all([g for _, g in districts]).bounds
    x0, y0 = np.floor(minx / cell) * cell, np.floor(miny / cell) * cell
    features = []
    for code, district in districts:
        bx0, by0, bx1, by1 = district.bounds
        cols, rows = np.meshgrid(np.arange(int((bx0 - x0) // cell), int((bx1 - x0) // cell) + 1),
                                 np.arange(int((by0 - y0) // cell), int((by1 - y0) // cell) + 1))
        cols, rows = cols.ravel(), rows.ravel()
        squares = shapely.box(x0 + cols * cell, y0 + rows * cell, x0 + (cols + 1) * cell, y0 + (rows + 1) * cell)
        shapely.prepare(district)
        touching = shapely.intersects(district, squares)
        for r, c, square in zip(rows[touching], cols[touching], squares[touching]):
            piece = shapely.make_valid(shapely.intersection(district, square))
            parts = [p for p in getattr(piece, "geoms", [piece])
                     if p.geom_type in ("Polygon", "MultiPolygon") and p.area > 1.0]
            if not parts:
                continue
            features.append({"type": "Feature",
                             "properties": {"cell_id": f"{code}-{r:03d}-{c:03d}", "district": code,
                                            "row": int(r), "col": int(c)},
                             "geometry": mapping(to_crs(shapely.union_all(parts), to_lonlat))})
    return features


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--points", type=int, nargs="*", default=[1_000_000])
    ap.add_argument("--seed", type=int, default=20240405)
    ap.add_argument("--cell", type=float, default=500.0)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    with open(GEODATA, encoding="utf-8") as f:
        collection = json.load(f)
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True)
    to_lonlat = Transformer.from_crs("EPSG:32651", "EPSG:4326", always_xy=True)
    districts = [(f["properties"]["adcode"], to_crs(shape(f["geometry"]), to_utm))
                 for f in collection["features"] if f["properties"]["level"] == "district"]

    cells = grid_cells(districts, args.cell, to_lonlat)
    cells_path = os.path.join(args.out, f"cells_{int(args.cell)}m.geojson")
    with open(cells_path, "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "name": f"cells_{int(args.cell)}m", "features": cells}, f,
                  separators=(",", ":"))
    manifest = {"cells": os.path.basename(cells_path), "cell_count": len(cells), "seed": args.seed, "incidents": {}}

    rng = np.random.default_rng(args.seed)
    city = shapely.union_all([g for _, g in districts])
    minx, miny, maxx, maxy = city.bounds
    shapely.prepare(city)
    centres = []
    while len(centres) < 60:
        p = rng.uniform([minx, miny], [maxx, maxy])
        if shapely.contains_xy(city, p[0], p[1]):
            centres.append(p)
    centres = np.array(centres)
    weights = 1.0 / np.arange(1, 61) ** 0.8
    weights /= weights.sum()
    spread = rng.uniform(80, 900, 60)
    monday = np.datetime64("2026-01-05T00:00:00")
    for n in args.points:
        spot = rng.choice(60, size=n, p=weights)
        background = int(n * 0.25)
        xy = centres[spot] + rng.normal(size=(n, 2)) * spread[spot][:, None]
        xy[:background] = rng.uniform([minx - 5000, miny - 5000], [maxx + 5000, maxy + 5000], size=(background, 2))
        lon, lat = to_lonlat.transform(xy[:, 0], xy[:, 1])
        hours = rng.normal(20, 5, n) % 24
        days = rng.integers(0, 364, n)
        times = (monday + (days * 86400 + hours * 3600).astype(np.int64).astype("timedelta64[s]")).astype(str)
        categories = np.array(CATEGORIES)[rng.choice(len(CATEGORIES), size=n, p=CATEGORY_SHARES)]
        order = rng.permutation(n)
        path = os.path.join(args.out, f"incidents_{n}.csv")
        with open(path, "w") as f:
            f.write("id,lon,lat,time,category\n")
            for i in order:
                f.write(f"{i},{lon[i]:.7f},{lat[i]:.7f},{times[i]}+08:00,{categories[i]}\n")
        manifest["incidents"][str(n)] = os.path.basename(path)
    with open(os.path.join(args.out, "workload.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(json.dumps(manifest))


main()
