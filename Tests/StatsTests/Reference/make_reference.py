#!/usr/bin/env python3
"""Reference values for the local hot-spot statistics (Tests/StatsTests/HotSpotTests.swift), made with PySAL's esda.

Run from the repository root (the virtual environment lives in /tmp, never in the repository):

    python3 -m venv /tmp/esda
    /tmp/esda/bin/pip install esda==2.9.0 libpysal==4.14.1 numpy==2.4.6 scipy==1.17.1
    /tmp/esda/bin/python Tests/StatsTests/Reference/make_reference.py

Produced with Python 3.11.7, esda 2.9.0, libpysal 4.14.1, numpy 2.4.6, scipy 1.17.1 (numba not installed: esda's
crand ran as plain Python, same results); the counts from seed 20260615 with numpy.random.default_rng, esda's
permutations seeded 12345 (999) and 12346 (99 999), the exact-tie draws 12347. The script prints these versions.
Runs in about 2–3 minutes. The esda source read for the rules: esda/getisord.py (G_Local.calc,
_infer_star_and_structure_w, _g_local_star_crand), esda/moran.py (Moran_Local.__init__, __calc, __quads, __moments,
_moran_local_crand, _get_cluster_labels), esda/crand.py (crand, compute_chunk, _prepare_univariate),
esda/significance.py (_permutation_significance, "directed"), esda/util.py (fdr).

What it writes (next to this script; floats as Python's repr, the shortest text that reads back to the same double):

  grid.csv         unit,row,col,value,rook,queen — a 30 × 30 grid of cells, unit = row·30 + col, seeded counts with
                   two planted hot clusters and one cold cluster; rook / queen neighbour lists (space-separated unit
                   ids) built here from integer grid adjacency, so the Swift test builds the same SpatialWeights.
  gi_star.csv      weights,transform,unit,G,EG,VG,z,p_norm,p_two,bin,bin_fdr — esda.G_Local(y, w, star=True,
                   transform=…) for (rook, B), (queen, B), (queen, R); p_two = 2·p_norm (ArcGIS's two-sided p);
                   bin / bin_fdr the ArcGIS Gi_Bin rule written out below (gi_bins).
  gi_star_perm.csv weights,transform,unit,p_sim_999,p_sim_99999,p_exact_ties,tie_share — esda's conditional
                   permutation pseudo p-values (alternative "directed", esda's default) with 999 and 99 999
                   permutations; p_exact_ties the same rule with 99 999 draws summed exactly (see exact_ties) and
                   tie_share the fraction of those draws whose neighbour sum equals the observed one.
  moran_local.csv  weights,unit,Is,q,EI,VI,EIc,VIc,p_sim_999,p_sim_99999,cluster_999 — esda.Moran_Local(y, w,
                   transformation="r") for rook and queen; cluster_999 = esda's get_cluster_labels(0.05) on the
                   999-permutation p-values; p_exact_ties, tie_share as for Gi*.
  fdr.csv          source,alpha,cutoff — esda.fdr(p, alpha) for the two-sided Gi* p-values and the Moran p_sim_999.
  small.csv        case,transform,unit,value,neighbours,z,p_norm — the hand-checked line of five units (worked out
                   in the Swift test's comments) and the same line with an island, esda's values.

Permutation p-values cannot agree bit for bit with HeatGrid's (esda draws from numpy's generator), so the Swift
test compares them within Monte Carlo error; everything else is compared to 1e-9 or exactly.

Ties. esda counts a simulation "at least as extreme" when its statistic is >= the observed one, but computes the two
in different floating-point order (e.g. local Moran: observed (n-1)·z·lag/Σz², simulated z·(Σ w z_perm)·((n-1)/Σz²)),
so a draw whose neighbour values sum exactly to the observed sum (frequent with counts: 2-9 % of draws here) is
counted or not by rounding noise. HeatGrid decides ties exactly (sums of counts are exact), as the rule says.
exact_ties() applies esda's rule with exact integer sums, so the Swift test can hold HeatGrid to Monte Carlo error
against it, and to Monte Carlo error plus tie_share against esda itself.
"""

import csv
import os
import platform
import warnings

import esda
import libpysal
import numpy as np
import scipy
from libpysal.weights import W

warnings.filterwarnings("ignore")  # esda's deprecation notes about the `alternative` default and star=True with "R"

HERE = os.path.dirname(os.path.abspath(__file__))
SIDE = 30
SEED = 20260615
PERM_SEED = 12345


def grid_neighbours(side, queen):
    """Neighbour lists of a side × side grid, unit = row·side + col, from integer adjacency only."""
    lists = []
    for r in range(side):
        for c in range(side):
            nb = []
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    if (dr, dc) == (0, 0) or (not queen and dr != 0 and dc != 0):
                        continue
                    rr, cc = r + dr, c + dc
                    if 0 <= rr < side and 0 <= cc < side:
                        nb.append(rr * side + cc)
            lists.append(sorted(nb))
    return lists


def make_w(lists):
    """A fresh libpysal W (esda mutates the W it is given: transform, diagonal)."""
    return W({i: list(nb) for i, nb in enumerate(lists)}, id_order=list(range(len(lists))), silence_warnings=True)


def planted_counts():
    rng = np.random.default_rng(SEED)
    lam = np.full((SIDE, SIDE), 6.0)
    lam[5:10, 5:10] = 22.0  # hot: 5 × 5 block
    lam[20:24, 22:26] = 16.0  # hot: 4 × 4 block
    lam[18:24, 3:9] = 0.6  # cold: 6 × 6 block
    y = rng.poisson(lam).astype(float).ravel()
    assert y.mean() != round(y.mean()), "the mean must not be a whole number (no unit exactly at the mean)"
    return y


def gi_bins(z, p_two, cutoffs=None):
    """ArcGIS Gi_Bin: sign(z) × 3 / 2 / 1 when the two-sided p is below 0.01 / 0.05 / 0.10 (strictly), else 0.
    With FDR the thresholds 0.01 / 0.05 / 0.10 become esda.fdr(p_two, alpha) for each alpha."""
    levels = [(3, 0.01), (2, 0.05), (1, 0.10)]
    out = []
    for zi, pi in zip(z, p_two):
        b = 0
        for level, alpha in levels:
            threshold = cutoffs[alpha] if cutoffs else alpha
            if pi < threshold:
                b = level
                break
        out.append(int(np.sign(zi)) * b if b else 0)
    return out


def exact_ties(y, lists, direction, permutations=99999, seed=PERM_SEED + 2):
    """esda's directed rule with exact sums: for each unit, `permutations` draws of k distinct other units (one shared
    table of draws, as esda's vec_permutations); the statistic moves with the neighbours' sum in the direction of
    `direction` (Gi*: +1; local Moran: sign of z). Returns (p, tie share). Row weights are all equal in these grids,
    so comparing sums of the integer counts is comparing the statistics."""
    rng = np.random.default_rng(seed)
    n = len(y)
    kmax = max(len(nb) for nb in lists)
    ids = np.empty((permutations, kmax), dtype=np.int64)
    for p in range(permutations):
        ids[p] = rng.choice(n - 1, size=kmax, replace=False)
    p_out, ties_out = [], []
    for i, nb in enumerate(lists):
        k = len(nb)
        assert k > 0 and direction[i] != 0
        others = np.delete(y, i)
        sims = others[ids[:, :k]].sum(axis=1)
        obs = y[nb].sum()
        ge = int((sims >= obs).sum()) if direction[i] > 0 else int((sims <= obs).sum())
        larger = permutations - ge if permutations - ge < ge else ge
        p_out.append((larger + 1) / (permutations + 1))
        ties_out.append(float((sims == obs).mean()))
    return p_out, ties_out


def r(x):
    return repr(float(x))


def main():
    y = planted_counts()
    rook = grid_neighbours(SIDE, queen=False)
    queen = grid_neighbours(SIDE, queen=True)
    lists = {"rook": rook, "queen": queen}

    with open(os.path.join(HERE, "grid.csv"), "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["unit", "row", "col", "value", "rook", "queen"])
        for i in range(SIDE * SIDE):
            out.writerow([i, i // SIDE, i % SIDE, int(y[i]), " ".join(map(str, rook[i])), " ".join(map(str, queen[i]))])

    fdr_rows = []
    gi_rows, gi_perm_rows = [], []
    for name, transform in [("rook", "B"), ("queen", "B"), ("queen", "R")]:
        g = esda.G_Local(y, make_w(lists[name]), transform=transform, star=True, permutations=999, seed=PERM_SEED,
                         n_jobs=1, keep_simulations=False)
        g_big = esda.G_Local(y, make_w(lists[name]), transform=transform, star=True, permutations=99999,
                             seed=PERM_SEED + 1, n_jobs=1, keep_simulations=False)
        p_two = 2 * g.p_norm
        cutoffs = {a: esda.fdr(p_two, a) for a in (0.10, 0.05, 0.01)}
        for a, c in cutoffs.items():
            fdr_rows.append([f"gi_{name}_{transform}", a, r(c)])
        bins = gi_bins(g.Zs, p_two)
        bins_fdr = gi_bins(g.Zs, p_two, cutoffs)
        p_exact, ties = exact_ties(y, lists[name], np.ones(len(y)))
        for i in range(len(y)):
            gi_rows.append([name, transform, i, r(g.Gs[i]), r(np.broadcast_to(g.EGs, y.shape)[i]), r(g.VGs[i]),
                            r(g.Zs[i]), r(g.p_norm[i]), r(p_two[i]), bins[i], bins_fdr[i]])
            gi_perm_rows.append([name, transform, i, r(g.p_sim[i]), r(g_big.p_sim[i]), r(p_exact[i]), r(ties[i])])
        print(f"Gi* {name} {transform}: bins {np.bincount(np.array(bins) + 3, minlength=7)}, "
              f"FDR bins {np.bincount(np.array(bins_fdr) + 3, minlength=7)}")

    with open(os.path.join(HERE, "gi_star.csv"), "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["weights", "transform", "unit", "G", "EG", "VG", "z", "p_norm", "p_two", "bin", "bin_fdr"])
        out.writerows(gi_rows)
    with open(os.path.join(HERE, "gi_star_perm.csv"), "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["weights", "transform", "unit", "p_sim_999", "p_sim_99999", "p_exact_ties", "tie_share"])
        out.writerows(gi_perm_rows)

    moran_rows = []
    for name in ("rook", "queen"):
        m = esda.Moran_Local(y, make_w(lists[name]), transformation="r", permutations=999, seed=PERM_SEED,
                             n_jobs=1, keep_simulations=True)
        m_big = esda.Moran_Local(y, make_w(lists[name]), transformation="r", permutations=99999,
                                 seed=PERM_SEED + 1, n_jobs=1, keep_simulations=False)
        labels = m.get_cluster_labels(0.05)
        p_exact, ties = exact_ties(y, lists[name], np.sign(m.z))
        for a in (0.10, 0.05, 0.01):
            fdr_rows.append([f"moran_{name}_p_sim_999", a, r(esda.fdr(m.p_sim, a))])
        for i in range(len(y)):
            moran_rows.append([name, i, r(m.Is[i]), int(m.q[i]), r(m.EI[i]), r(m.VI[i]), r(m.EIc[i]), r(m.VIc[i]),
                               r(m.p_sim[i]), r(m_big.p_sim[i]), labels[i], r(p_exact[i]), r(ties[i])])
        print(f"Moran {name}: q {np.bincount(m.q, minlength=5)[1:]}, "
              f"clusters {dict(zip(*np.unique(labels, return_counts=True)))}")
    with open(os.path.join(HERE, "moran_local.csv"), "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["weights", "unit", "Is", "q", "EI", "VI", "EIc", "VIc", "p_sim_999", "p_sim_99999",
                      "cluster_999", "p_exact_ties", "tie_share"])
        out.writerows(moran_rows)

    with open(os.path.join(HERE, "fdr.csv"), "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["source", "alpha", "cutoff"])
        out.writerows(fdr_rows)

    # Hand-checked line: 0 - 1 - 2 - 3 - 4, values 1 2 3 4 10; then the same with unit 5 (value 7) an island.
    small_rows = []
    line = [[1], [0, 2], [1, 3], [2, 4], [3]]
    cases = {"line": (np.array([1, 2, 3, 4, 10.0]), line),
             "island": (np.array([1, 2, 3, 4, 10, 7.0]), line + [[]])}
    for case, (values, nb) in cases.items():
        for transform in ("B", "R"):
            g = esda.G_Local(values, make_w(nb), transform=transform, star=True, permutations=0)
            for i in range(len(values)):
                small_rows.append([case, transform, i, r(values[i]), " ".join(map(str, nb[i])), r(g.Zs[i]),
                                   r(g.p_norm[i])])
    with open(os.path.join(HERE, "small.csv"), "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["case", "transform", "unit", "value", "neighbours", "z", "p_norm"])
        out.writerows(small_rows)

    print(f"Python {platform.python_version()}, esda {esda.__version__}, libpysal {libpysal.__version__}, "
          f"numpy {np.__version__}, scipy {scipy.__version__}; value seed {SEED} (numpy default_rng), "
          f"permutation seeds {PERM_SEED} (999) and {PERM_SEED + 1} (99 999)")


if __name__ == "__main__":
    main()
