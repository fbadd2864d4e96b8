#!/usr/bin/env python3
"""Reference neighbour lists for the Neighbours tests, made with libpysal.

What: libpysal's Queen, Rook, DistanceBand and KNN weights on
  1. a generated 40 x 30 grid of 0.005 degree squares (written here as grid.geojson), in lon/lat degrees;
  2. the same grid's centroids in UTM zone 51 (EPSG:32651, the zone of the grid's centre);
  3. the seven Jiaxing districts (geodata/jiaxing.geojson, level == district) and the 90 Zhejiang counties
     (geodata/zhejiang_counties.geojson): queen, rook, and knn on their UTM centroids.
Every list file is `focal,neighbor` with 0-based positions in the layer's feature order (the order the GeoJSON
module reads); a unit without neighbours (an island) is one row `focal,` with an empty neighbour. Centroid files are
`x,y` per unit, written with repr (shortest round-trip) so Swift reads the same doubles.

How to run (from the repository's top folder; never make the virtual environment inside the repository):
    python3 -m venv /tmp/pysal && /tmp/pysal/bin/pip install libpysal geopandas shapely numpy pyproj
    /tmp/pysal/bin/python Tests/NeighboursTests/Reference/make_reference.py
    /tmp/pysal/bin/python Tests/NeighboursTests/Reference/make_reference.py --time Benchmarks/.workload/cells_500m.geojson
The second form only times `Queen.from_dataframe` on a layer (nothing written).

Made with: Python 3.11, libpysal 4.14.1, geopandas 1.2.0, shapely 2.2.0, numpy 2.4.6, scipy 1.17.1, pyproj 3.7.2,
pandas 3.1.2 (GEOS and PROJ as their wheels bundle).

Ties: libpysal's KNN takes the k + 1 nearest points from scipy's cKDTree and drops the unit itself; the order of
points at equal distance is whatever the tree returns ("ties between neighbors of equal distance are arbitrarily
broken", libpysal/weights/distance.py). DistanceBand keeps pairs with 0 < d <= threshold (scipy's sparse distance
matrix holds no zeros, so two units with the same centroid are not neighbours). The Swift tests therefore accept a
different k-th neighbour only at a distance within 1e-9 of the k-th distance (degrees) / 1e-6 m (metres), and a
different distance-band link only at a distance within that tolerance of the threshold.
"""
import json
import os
import sys
import time
import warnings

import geopandas as gpd
import libpysal
import numpy as np
from libpysal.weights import KNN, DistanceBand, Queen, Rook

warnings.simplefilter("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))

GRID_COLUMNS, GRID_ROWS, GRID_SIZE = 40, 30, 0.005
GRID_ORIGIN = (120.70, 30.70)


def grid_geojson(path):
    """Cells row by row from the south-west corner, west to east; vertices rounded so shared corners are identical."""
    features = []
    x0, y0 = GRID_ORIGIN
    xs = [round(x0 + i * GRID_SIZE, 10) for i in range(GRID_COLUMNS + 1)]
    ys = [round(y0 + j * GRID_SIZE, 10) for j in range(GRID_ROWS + 1)]
    for r in range(GRID_ROWS):
        for c in range(GRID_COLUMNS):
            ring = [[xs[c], ys[r]], [xs[c + 1], ys[r]], [xs[c + 1], ys[r + 1]], [xs[c], ys[r + 1]], [xs[c], ys[r]]]
            features.append({"type": "Feature", "properties": {"row": r, "col": c},
                             "geometry": {"type": "Polygon", "coordinates": [ring]}})
    with open(path, "w") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f, separators=(",", ":"))


def write_lists(name, w, n):
    """`focal,neighbor` rows, ascending; an island as `focal,`."""
    with open(os.path.join(HERE, name), "w") as f:
        f.write("focal,neighbor\n")
        for i in range(n):
            neighbours = sorted(int(j) for j in w.neighbors[i])
            if not neighbours:
                f.write(f"{i},\n")
            for j in neighbours:
                f.write(f"{i},{j}\n")


def write_points(name, points):
    with open(os.path.join(HERE, name), "w") as f:
        f.write("x,y\n")
        for x, y in points:
            f.write(f"{float(x)!r},{float(y)!r}\n")


def utm_epsg(frame):
    """The UTM zone of the layer's bounding-box centre, as TransverseMercator.utm(containing:) picks it."""
    minx, miny, maxx, maxy = frame.total_bounds
    lon, lat = (minx + maxx) / 2, (miny + maxy) / 2
    zone = min(60, max(1, int(np.floor((lon + 180) / 6)) + 1))
    return (32600 if lat >= 0 else 32700) + zone


def centroids(frame):
    return np.column_stack([frame.centroid.x.values, frame.centroid.y.values])


def contiguity(prefix, frame):
    n = len(frame)
    write_lists(f"{prefix}_queen.csv", Queen.from_dataframe(frame, use_index=False), n)
    write_lists(f"{prefix}_rook.csv", Rook.from_dataframe(frame, use_index=False), n)


def projected(prefix, frame, bands, ks):
    epsg = utm_epsg(frame)
    points = centroids(frame.to_crs(epsg=epsg))
    write_points(f"{prefix}_centroids_utm.csv", points)
    for threshold in bands:
        write_lists(f"{prefix}_utm_distance_{threshold}.csv",
                    DistanceBand(points, threshold=threshold, silence_warnings=True), len(frame))
    for k in ks:
        write_lists(f"{prefix}_utm_knn_{k}.csv", KNN(points, k=k), len(frame))
    return epsg


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--time":
        frame = gpd.read_file(sys.argv[2])
        best = []
        for _ in range(3):
            start = time.perf_counter()
            w = Queen.from_dataframe(frame, use_index=False)
            best.append(time.perf_counter() - start)
        print(f"{len(frame)} polygons, Queen.from_dataframe: best {min(best):.3f} s of {best}, "
              f"{w.s0:.0f} links, {len(w.islands)} islands")
        return

    grid_path = os.path.join(HERE, "grid.geojson")
    grid_geojson(grid_path)
    grid = gpd.read_file(grid_path)
    contiguity("grid", grid)
    # Lon/lat degrees: the planar rules on geopandas' centroids in degrees (GeoSeries.centroid in EPSG:4326).
    lonlat = centroids(grid)
    write_points("grid_centroids_lonlat.csv", lonlat)
    for name, threshold in [("0.0051", 0.0051), ("0.008", 0.008)]:
        write_lists(f"grid_distance_{name}.csv", DistanceBand(lonlat, threshold=threshold, silence_warnings=True),
                    len(grid))
    for k in (4, 8):
        write_lists(f"grid_knn_{k}.csv", KNN(lonlat, k=k), len(grid))
    grid_epsg = projected("grid", grid, bands=[600, 1200], ks=[4, 8])

    jiaxing = gpd.read_file(os.path.join(ROOT, "geodata", "jiaxing.geojson"))
    jiaxing = jiaxing[jiaxing["level"] == "district"].reset_index(drop=True)
    contiguity("jiaxing", jiaxing)
    jiaxing_epsg = projected("jiaxing", jiaxing, bands=[], ks=[2])

    counties = gpd.read_file(os.path.join(ROOT, "geodata", "zhejiang_counties.geojson"))
    contiguity("counties", counties)
    counties_epsg = projected("counties", counties, bands=[], ks=[4])

    print(f"grid {len(grid)} cells EPSG:{grid_epsg}, jiaxing {len(jiaxing)} EPSG:{jiaxing_epsg}, "
          f"counties {len(counties)} EPSG:{counties_epsg}; libpysal {libpysal.__version__}, "
          f"geopandas {gpd.__version__}")


if __name__ == "__main__":
    main()
