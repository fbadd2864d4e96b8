#!/usr/bin/env python3
"""Writes grid_2km_reference.csv and grid_2km_districts.csv: a 2 km square grid over the seven Jiaxing districts,
made with shapely 2 and pyproj (PROJ), for GridTests.

usage: python3 make_grid_reference.py   (needs: pip install shapely pyproj numpy; writes next to this script)

Same rules as HeatGrid's GridGenerator, written independently:
- district coordinates (geodata/jiaxing.geojson, level "district") taken as lon/lat and projected to UTM 51N
  (EPSG:32651) vertex by vertex;
- origin pinned to the cell size over the union of all districts: x0 = floor(minx/size)*size,
  top = ceil(maxy/size)*size; row r spans (top-(r+1)*size, top-r*size] (rows north to south), column c spans
  [x0+c*size, x0+(c+1)*size);
- each candidate box in a district's bounding box is intersected with the district; polygon parts under 1 % of a
  whole cell (40,000 m^2) are dropped; a cell with no part left is left out;
- id ADCODE-RRR-CCC.
grid_2km_reference.csv: cell_id,district,row,col,area_m2 in district order, then row, then column.
grid_2km_districts.csv: district,district_area_m2,cells,cell_area_m2,dropped_parts,dropped_area_m2.
"""
import json
import math
import os

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import shape

HERE = os.path.dirname(os.path.abspath(__file__))
SIZE = 2000.0
THRESHOLD = 0.01 * SIZE * SIZE

fc = json.load(open(os.path.join(HERE, "..", "..", "..", "geodata", "jiaxing.geojson"), encoding="utf-8"))
districts = [(f["properties"]["adcode"], shape(f["geometry"])) for f in fc["features"]
             if f["properties"]["level"] == "district"]
fwd = Transformer.from_crs("EPSG:4326", "EPSG:32651", always_xy=True)
project = lambda g: shapely.transform(g, lambda c: np.column_stack(fwd.transform(c[:, 0], c[:, 1])))
projected = [(code, project(g)) for code, g in districts]

minx = min(g.bounds[0] for _, g in projected)
maxy = max(g.bounds[3] for _, g in projected)
x0 = math.floor(minx / SIZE) * SIZE
top = math.ceil(maxy / SIZE) * SIZE

cells, summary = [], []
for code, g in projected:
    gx0, gy0, gx1, gy1 = g.bounds
    r0, r1 = int((top - gy1) // SIZE), int((top - gy0) // SIZE)
    c0, c1 = int((gx0 - x0) // SIZE), int((gx1 - x0) // SIZE)
    shapely.prepare(g)
    count, area_sum, dropped, dropped_area = 0, 0.0, 0, 0.0
    for r in range(r0, r1 + 1):
        for c in range(c0, c1 + 1):
            box = shapely.box(x0 + c * SIZE, top - (r + 1) * SIZE, x0 + (c + 1) * SIZE, top - r * SIZE)
            if not g.intersects(box):
                continue
            piece = shapely.intersection(g, box)
            parts = [p for p in getattr(piece, "geoms", [piece]) if p.geom_type == "Polygon" and p.area > 0]
            kept = [p for p in parts if p.area >= THRESHOLD]
            dropped += len(parts) - len(kept)
            dropped_area += sum(p.area for p in parts if p.area < THRESHOLD)
            if not kept:
                continue
            area = sum(p.area for p in kept)
            cells.append(f"{code}-{r:03d}-{c:03d},{code},{r},{c},{area!r}")
            count += 1
            area_sum += area
    summary.append(f"{code},{g.area!r},{count},{area_sum!r},{dropped},{dropped_area!r}")

with open(os.path.join(HERE, "grid_2km_reference.csv"), "w") as f:
    f.write("cell_id,district,row,col,area_m2\n" + "\n".join(cells) + "\n")
with open(os.path.join(HERE, "grid_2km_districts.csv"), "w") as f:
    f.write("district,district_area_m2,cells,cell_area_m2,dropped_parts,dropped_area_m2\n" + "\n".join(summary) + "\n")
print(len(cells), "cells")
