#!/usr/bin/env python3
"""Reference for Optimized Hot Spot Analysis' scale of analysis (Tests/NeighboursTests/OptimizedDistanceBandTests.swift).

Run from the repository root (the virtual environment lives outside the repository):

    python3 -m venv /tmp/esda
    /tmp/esda/bin/pip install esda==2.9.0 libpysal==4.14.1 numpy scipy
    /tmp/esda/bin/python Tests/NeighboursTests/Reference/make_optimized_band_reference.py

Produced with esda 2.9.0, libpysal 4.14.1 (the script prints the versions it ran with).

The rules are ArcGIS's, as "How Optimized Hot Spot Analysis works" documents them and its scripts apply them
(OptimizedHotSpotAnalysis.py: knnDecision, doHotSpots; MoransI_Increment.py: GlobalI_Step; SSUtilities.py:
LocationInfo, standardDistanceCutoff, createCutoffsStep, createCutoffsMaxDist, returnPeakIndices). They are written
out again here with numpy and scipy, independently of the Swift code; Moran's I at each distance comes from esda:
`Moran(y, w, transformation="r", permutations=0)` on the units that have a neighbour within the distance
(`libpysal.weights.DistanceBand(binary=True)`, subset with `w_subset`), the z-score `z_rand`.

Cases (points in metres, seeded numpy.random.default_rng(20261208)):
  clustered  a 20 × 20 lattice, 500 m apart, jittered ±120 m, plus one far unit (a locational outlier); Poisson
             counts around two hot centres — the profile has a first peak.
  random     the same lattice, counts Poisson(4) with no structure — no peak, the K-th-neighbour fallback.
  small      a 6 × 6 lattice, 500 m apart, jittered, counts rising west to east — the steps would pass the standard
             distance, so they are spread from the start to it.

Files (floats as Python's repr):
  optimized_band_points.csv  case,unit,x,y,value
  optimized_band_steps.csv   case,step,distance,units,I,EI,VI,z
  optimized_band_choice.csv  case,outliers,start,increment,standard_distance,choice,argument,distance
                             (choice: peak with argument = step index, knn or standard with argument = K;
                             outliers space-separated unit numbers)
"""
import csv
import os
import sys

import esda
import libpysal
import numpy as np
from scipy.spatial import cKDTree

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 10


def lattice(rng, side, spacing, jitter):
    xs, ys = np.meshgrid(np.arange(side) * spacing, np.arange(side) * spacing)
    points = np.column_stack([xs.ravel(), ys.ravel()]).astype(float)
    return points + rng.uniform(-jitter, jitter, points.shape)


def band(points, values):
    n = len(points)
    tree = cKDTree(points)
    nearest = tree.query(points, k=2)[0][:, 1]
    non_zero = nearest[nearest != 0]
    deviation = (nearest - non_zero.mean()) / non_zero.std()
    keep = deviation < 3
    outliers = np.where(~keep)[0]
    start = nearest[keep].max() * 1.0001
    increment = nearest[keep].mean()
    centre = points.mean(0)
    standard = float(np.sqrt(((points - centre) ** 2).mean(0).sum()))
    cutoffs = start + np.arange(STEPS) * increment
    if (cutoffs > standard).any():
        if start > standard:
            start = standard * 0.2
        increment = (standard - start) / STEPS
        cutoffs = start + np.arange(STEPS) * increment

    steps = []
    for s, d in enumerate(cutoffs):
        w = libpysal.weights.DistanceBand(points, threshold=d, binary=True, silence_warnings=True)
        within = [i for i in range(n) if w.cardinalities[i] > 0]
        sub = libpysal.weights.w_subset(w, within, silence_warnings=True)
        y = values[within]
        m = esda.Moran(y, sub, transformation="r", permutations=0)
        steps.append((s, float(d), len(within), float(m.I), float(m.EI), float(m.VI_rand), float(m.z_rand)))

    # returnPeakIndices(z, levelFilter=1.65): the first index where z falls after having risen, above 1.65.
    z = [step[6] for step in steps]
    peak, risen = None, False
    for c in range(len(z) - 1):
        change = z[c + 1] - z[c]
        if change > 0:
            risen = True
        elif change < 0 and risen and z[c] > 1.65:
            peak = c
            break
    if peak is not None:
        choice = ("peak", peak, float(cutoffs[peak]))
    else:
        k = min(max(int(n * 0.05), 3), 30)
        kth = tree.query(points, k=k + 1)[0][:, k].mean()
        choice = ("standard", k, standard) if kth > standard else ("knn", k, float(kth))
    return outliers, float(start), float(increment), standard, steps, choice


def main():
    print(f"esda {esda.__version__}, libpysal {libpysal.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}")
    rng = np.random.default_rng(20261208)
    cases = {}

    points = lattice(rng, 20, 500.0, 120.0)
    points = np.vstack([points, [[16000.0, 15000.0]]])
    d1 = np.hypot(points[:, 0] - 2500, points[:, 1] - 3000)
    d2 = np.hypot(points[:, 0] - 7000, points[:, 1] - 6500)
    rate = 1.5 + 20 * np.exp(-(d1 / 1200) ** 2) + 12 * np.exp(-(d2 / 900) ** 2)
    cases["clustered"] = (points, rng.poisson(rate).astype(float))

    points = lattice(rng, 20, 500.0, 120.0)
    cases["random"] = (points, rng.poisson(4.0, len(points)).astype(float))

    points = lattice(rng, 6, 500.0, 120.0)
    cases["small"] = (points, rng.poisson(1 + points[:, 0] / 300).astype(float))

    with open(os.path.join(HERE, "optimized_band_points.csv"), "w", newline="") as f_points, \
         open(os.path.join(HERE, "optimized_band_steps.csv"), "w", newline="") as f_steps, \
         open(os.path.join(HERE, "optimized_band_choice.csv"), "w", newline="") as f_choice:
        wp, ws, wc = (csv.writer(f, lineterminator="\n") for f in (f_points, f_steps, f_choice))
        wp.writerow(["case", "unit", "x", "y", "value"])
        ws.writerow(["case", "step", "distance", "units", "I", "EI", "VI", "z"])
        wc.writerow(["case", "outliers", "start", "increment", "standard_distance", "choice", "argument", "distance"])
        for name, (points, values) in cases.items():
            for i, (p, v) in enumerate(zip(points, values)):
                wp.writerow([name, i, repr(float(p[0])), repr(float(p[1])), repr(float(v))])
            outliers, start, increment, standard, steps, choice = band(points, values)
            for step in steps:
                ws.writerow([name, *[repr(x) if isinstance(x, float) else x for x in step]])
            wc.writerow([name, " ".join(map(str, outliers)), repr(start), repr(increment), repr(standard),
                         choice[0], choice[1], repr(choice[2])])
            print(name, "outliers", list(outliers), "choice", choice, "z", [round(s[6], 3) for s in steps])


if __name__ == "__main__":
    main()
