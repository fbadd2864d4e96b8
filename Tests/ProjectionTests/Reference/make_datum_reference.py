#!/usr/bin/env python3
"""Writes datum_reference.csv: seeded WGS-84 points with their GCJ-02 and BD-09 images, for DatumConversionTests.

usage: python3 make_datum_reference.py > datum_reference.csv   (needs: pip install coord-convert numpy)

The forward values come from an implementation independent of HeatGrid's: the `coord-convert` package on PyPI
(coord_convert.transform.wgs2gcj / gcj2bd, the public Krasovsky formula and Baidu's formula). coord-convert's own
inverse stops at 1e-6 degrees, so the table does not use it: the Swift inverses are checked by recovering the
`wgs_*` and `gcj_*` columns from the forward images.

Rows: kind,wgs_lon,wgs_lat,gcj_lon,gcj_lat,bd_lon,bd_lat
kind: `china` (inside the formula's rectangle, seeded over China), `jiaxing` (around Jiaxing), `outside`
(outside the rectangle, where GCJ-02 is the identity and BD-09 is still applied).
"""
import numpy as np
from coord_convert.transform import wgs2gcj, gcj2bd

rng = np.random.default_rng(20240607)
rows = []
for lon, lat in zip(rng.uniform(73.5, 135.0, 150), rng.uniform(18.0, 53.5, 150)):
    rows.append(("china", lon, lat))
for lon, lat in zip(rng.uniform(120.3, 121.3, 20), rng.uniform(30.3, 31.1, 20)):
    rows.append(("jiaxing", lon, lat))
outside = [(2.3522, 48.8566), (-74.006, 40.7128), (151.2093, -33.8688), (-0.1276, 51.5072), (37.6173, 55.9),
           (139.0, 35.6762), (71.9, 30.0), (100.0, 0.5), (100.0, 56.0), (-43.2, -22.9)]
for lon, lat in outside:
    rows.append(("outside", lon, lat))
for lon, lat in zip(rng.uniform(-180.0, 60.0, 20), rng.uniform(-80.0, 80.0, 20)):
    rows.append(("outside", lon, lat))

print("kind,wgs_lon,wgs_lat,gcj_lon,gcj_lat,bd_lon,bd_lat")
for kind, lon, lat in rows:
    lon, lat = float(lon), float(lat)
    glon, glat = wgs2gcj(lon, lat)
    blon, blat = gcj2bd(glon, glat)
    print(f"{kind},{lon!r},{lat!r},{glon!r},{glat!r},{blon!r},{blat!r}")
