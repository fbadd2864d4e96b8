#!/usr/bin/env python3
"""Writes tm_reference.csv: points projected with PROJ (through pyproj) for TransverseMercatorTests.

usage: python3 make_tm_reference.py > tm_reference.csv   (needs: pip install pyproj numpy)
Rows: crs,lon,lat,easting,northing. UTM zones 50 and 51 north (EPSG:32650/32651) and zone 51 south (EPSG:32751),
points up to 10 degrees of longitude from the central meridian, seeded.
"""
import numpy as np
from pyproj import Transformer

rng = np.random.default_rng(7946)
print("crs,lon,lat,easting,northing")
for epsg, cm, lat_range in [(32650, 117, (0.5, 60)), (32651, 123, (0.5, 60)), (32751, 123, (-60, -0.5))]:
    t = Transformer.from_crs("EPSG:4326", f"EPSG:{epsg}", always_xy=True)
    lons = np.concatenate([[cm, cm + 3, cm - 3, 120.75, 121.0], cm + rng.uniform(-10, 10, 40)])
    lats = np.concatenate([[30.75, 30.0, 45.0, 30.75, 30.5], rng.uniform(*lat_range, 40)])
    if epsg == 32751:
        lats[:5] = -np.abs(lats[:5])
    e, n = t.transform(lons, lats)
    for lo, la, x, y in zip(lons, lats, e, n):
        print(f"EPSG:{epsg},{lo:.10f},{la:.10f},{x:.6f},{y:.6f}")
