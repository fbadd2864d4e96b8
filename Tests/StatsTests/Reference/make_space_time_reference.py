#!/usr/bin/env python3
"""Reference for the space-time Gi* of emerging hot spot analysis (Tests/StatsTests/SpaceTimeGiStarTests.swift).

Run from the repository root (the virtual environment lives outside the repository):

    python3 -m venv /tmp/esda
    /tmp/esda/bin/pip install esda==2.9.0 libpysal==4.14.1 numpy scipy
    /tmp/esda/bin/python Tests/StatsTests/Reference/make_space_time_reference.py

ArcGIS's Emerging Hot Spot Analysis computes Gi* for every bin of a space-time cube (location i, time step t), the
bin's neighbourhood being the bins of i and of its spatial neighbours at steps t − window … t, the mean and standard
deviation those of all bins. That is esda's G_Local(star=True, transform="B") on the cube flattened to one unit per
bin with those space-time links, which is how this script computes it (nothing of HeatGrid's code is used).

Cube: the 12 × 10 grid of locations (unit = row·12 + col, queen neighbours from integer adjacency), 8 weekly steps,
seeded Poisson counts (numpy.random.default_rng(20261208)) with a hot block that grows over the weeks and a cold
corner. Windows 0, 1 and 2.

space_time_gi.csv  window,step,unit,value,z  (floats as Python's repr)
"""
import csv
import os
import warnings

import esda
import libpysal
import numpy as np
from libpysal.weights import W

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
COLUMNS, ROWS, STEPS = 12, 10, 8


def queen():
    lists = []
    for r in range(ROWS):
        for c in range(COLUMNS):
            lists.append(sorted((r + dr) * COLUMNS + c + dc for dr in (-1, 0, 1) for dc in (-1, 0, 1)
                                if (dr, dc) != (0, 0) and 0 <= r + dr < ROWS and 0 <= c + dc < COLUMNS))
    return lists


def main():
    print(f"esda {esda.__version__}, libpysal {libpysal.__version__}, numpy {np.__version__}")
    rng = np.random.default_rng(20261208)
    n = COLUMNS * ROWS
    values = np.empty((STEPS, n))
    for t in range(STEPS):
        lam = np.full((ROWS, COLUMNS), 4.0)
        lam[2:4 + t // 2, 3:5 + t // 2] = 9.0 + t
        lam[7:, 9:] = 0.8
        values[t] = rng.poisson(lam).ravel()
    spatial = queen()
    with open(os.path.join(HERE, "space_time_gi.csv"), "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["window", "step", "unit", "value", "z"])
        for window in (0, 1, 2):
            links = {}
            for t in range(STEPS):
                for i in range(n):
                    nb = [s * n + j for s in range(max(0, t - window), t + 1) for j in spatial[i] + [i]]
                    links[t * n + i] = sorted(b for b in nb if b != t * n + i)
            w = W(links, id_order=list(range(STEPS * n)), silence_warnings=True)
            g = esda.G_Local(values.ravel(), w, star=True, transform="B", permutations=0)
            for t in range(STEPS):
                for i in range(n):
                    out.writerow([window, t, i, repr(float(values[t, i])), repr(float(g.Zs[t * n + i]))])
            print("window", window, "max z", round(float(g.Zs.max()), 3), "min z", round(float(g.Zs.min()), 3))


if __name__ == "__main__":
    main()
