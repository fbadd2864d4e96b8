"""Builds the layer-check fixtures: cells drawn in metres in UTM zone 51N (EPSG:32651) near Jiaxing, written as
WGS-84 lon/lat with 10 decimals. Run with shapely/pyproj available: python make_fixtures.py

broken_cells.geojson under broken_parent.geojson (one 1500 m square "P"), a 3 x 3 grid of 500 m cells with
exactly these problems, and nothing else:
  - C-0-0 reaches 20 m east into C-0-1: overlap 20 m x 500 m = 10,000 m2;
  - C-1-0 is a self-intersecting ring: its south edge has a 2 cm bow-tie knot whose crossing is at
    (250, 500.0480769) m from the parent's south-west corner (the knot leaves a 12 m2 sliver, under the gap tolerance);
  - C-1-1 has a 100 m x 60 m hole, x 700..800, y 650..710 m: a gap of 6,000 m2;
  - features 6 and 7 both have the id C-2-0;
  - C-2-2 reaches 300 m east out of the parent: 500 / 800 = 62.5 % of it inside.
clean_parents.geojson ("W" and "E", 1000 m squares side by side) and clean_cells.geojson (2 rows x 4 columns
of 500 m cells, attribute `parent`): no findings at all.
"""
import json
import pyproj

X0, Y0 = 284000.0, 3403000.0  # UTM 51N metres, about 120.76 E, 30.74 N (Jiaxing)
to_lonlat = pyproj.Transformer.from_crs(32651, 4326, always_xy=True)


def ring(points):
    closed = list(points) + [points[0]]
    return [[round(v, 10) for v in to_lonlat.transform(X0 + x, Y0 + y)] for x, y in closed]


def rect(x0, y0, x1, y1):
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def feature(properties, *rings):
    return {"type": "Feature", "properties": properties,
            "geometry": {"type": "Polygon", "coordinates": [ring(r) for r in rings]}}


def write(name, features):
    with open(name, "w") as f:
        json.dump({"type": "FeatureCollection", "name": name.split(".")[0], "features": features}, f,
                  ensure_ascii=False)
        f.write("\n")


def cell(r, c):
    return rect(c * 500, 1500 - (r + 1) * 500, (c + 1) * 500, 1500 - r * 500)


write("broken_parent.geojson", [feature({"code": "P", "name": "测试街道", "level": "subdistrict"}, rect(0, 0, 1500, 1500))])
cells = []
for r in range(3):
    for c in range(3):
        cell_id = f"C-{r}-{c}"
        rings = [cell(r, c)]
        if (r, c) == (0, 0):
            rings = [rect(0, 1000, 520, 1500)]
        elif (r, c) == (1, 0):
            d = 0.05
            rings = [[(0, 500), (260, 500 + d), (240, 500 + d), (500, 500), (500, 1000), (0, 1000)]]
        elif (r, c) == (1, 1):
            rings = [cell(r, c), rect(700, 650, 800, 710)[::-1]]
        elif (r, c) == (2, 1):
            cell_id = "C-2-0"
        elif (r, c) == (2, 2):
            rings = [rect(1000, 0, 1800, 500)]
        cells.append(feature({"cell_id": cell_id, "name": f"网格{r}{c}", "parent": "P"}, *rings))
write("broken_cells.geojson", cells)

write("clean_parents.geojson", [feature({"code": "W", "name": "西街道"}, rect(0, 0, 1000, 1000)),
                                feature({"code": "E", "name": "东街道"}, rect(1000, 0, 2000, 1000))])
write("clean_cells.geojson", [feature({"cell_id": f"G-{r}-{c}", "parent": "W" if c < 2 else "E"},
                                      rect(c * 500, 500 - r * 500, (c + 1) * 500, 1000 - r * 500))
                              for r in range(2) for c in range(4)])
