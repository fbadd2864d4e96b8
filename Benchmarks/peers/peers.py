#!/usr/bin/env python3
"""The tools a user would otherwise pick, timed on the benchmark workload; prints one JSON object.

usage: peers.py WORKLOAD_DIR N [--repeat R] [--stages parse,assign,render]
needs: numpy, pandas, geopandas, shapely; for render also datashader, scipy, pillow
(Benchmarks/run.sh installs them in a virtual environment)

Each stage reports the median wall time of R runs in seconds plus what it computed, so the Swift side can check
that both did the same work:
  parse   pandas.read_csv of incidents_N.csv (rows), geopandas.read_file of cells_500m.geojson (features)
  assign  shapely 2 STRtree query(predicate="within") with the index built and the points parsed (points inside
          a cell), and the whole job in geopandas: read_file + read_csv + sjoin + groupby + to_csv
  summary the weekly-numbers job in geopandas and pandas: read_file + read_csv + sjoin, local (Asia/Shanghai) ISO
          week of each time, groupby cell x category x week, pivot to every week, the previous week beside each
          (shift), change and change in percent, rows with something in either week to_csv; with --summary-out the
          table (cell_id,category,week,count,previous) is written there for the Swift side to check
  hotspots libpysal Queen.from_dataframe on the cells, esda G_Local(star=True, binary weights) with 999 permutations on
          the per-cell counts of points within (numba compiled by an untimed call first); with --gistar-out the z-scores
          are written there (cell_id,z) for the Swift side to check
  render  the usual Python stand-in for a kernel-density heat map, on the points already parsed: a datashader
          2048 x 2048 count raster over the cells' bounds, a scipy Gaussian blur (sigma 8 pixels), scaled to 8-bit
          RGBA and encoded to PNG by Pillow (in memory); each step's median and the median of the whole pipeline
"""
import argparse
import io
import json
import os
import statistics
import tempfile
import time


def timed(repeat, f):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = f()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workload")
    ap.add_argument("n", type=int)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--stages", default="parse")
    ap.add_argument("--counts-out", help="with assign: write cell_id,count (points strictly within) here")
    ap.add_argument("--summary-out", help="with summary: write cell_id,category,week,count,previous here")
    ap.add_argument("--gistar-out", help="with hotspots: write cell_id,z (esda Gi*) here")
    args = ap.parse_args()
    stages = set(args.stages.split(","))
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    cells_path = os.path.join(args.workload, "cells_500m.geojson")
    csv_path = os.path.join(args.workload, f"incidents_{args.n}.csv")
    out = {"points": args.n}
    if "parse" in stages:
        out["pandas_read_csv"], frame = timed(args.repeat, lambda: pd.read_csv(csv_path))
        out["pandas_rows"] = len(frame)
        out["geopandas_read_file"], cells = timed(args.repeat, lambda: gpd.read_file(cells_path))
        out["geopandas_features"] = len(cells)
    if "assign" in stages:
        cells = gpd.read_file(cells_path)
        frame = pd.read_csv(csv_path)
        points = shapely.points(frame.lon.to_numpy(), frame.lat.to_numpy())
        out["strtree_build"], tree = timed(args.repeat, lambda: shapely.STRtree(cells.geometry.values))
        out["strtree_query_within"], (point_index, cell_index) = timed(
            args.repeat, lambda: tree.query(points, predicate="within"))
        out["strtree_assigned"] = int(len(np.unique(point_index)))
        if args.counts_out:
            counts = np.bincount(cell_index, minlength=len(cells))
            pd.DataFrame({"cell_id": cells.cell_id, "count": counts}).to_csv(args.counts_out, index=False)

        def whole_job():
            c = gpd.read_file(cells_path)
            f = pd.read_csv(csv_path)
            p = gpd.GeoDataFrame(f[["id"]], geometry=gpd.points_from_xy(f.lon, f.lat), crs=c.crs)
            joined = gpd.sjoin(p, c[["cell_id", "geometry"]], predicate="within", how="left")
            counts = joined.groupby("cell_id").size().reindex(c.cell_id, fill_value=0)
            with tempfile.TemporaryDirectory() as d:
                joined[["id", "cell_id"]].to_csv(os.path.join(d, "assigned.csv"), index=False)
                counts.rename("count").to_csv(os.path.join(d, "counts.csv"))
            return int(joined.cell_id.notna().sum())
        out["geopandas_assign_job"], out["geopandas_assigned"] = timed(args.repeat, whole_job)
    if "summary" in stages:
        def summary_job(path=None):
            c = gpd.read_file(cells_path)
            f = pd.read_csv(csv_path)
            p = gpd.GeoDataFrame(f[["id", "time", "category"]], geometry=gpd.points_from_xy(f.lon, f.lat), crs=c.crs)
            joined = gpd.sjoin(p, c[["cell_id", "geometry"]], predicate="within", how="inner")
            local = pd.to_datetime(joined.time, format="ISO8601", utc=True).dt.tz_convert("Asia/Shanghai")
            iso = local.dt.isocalendar()
            joined["week"] = iso.year.astype(str) + "-W" + iso.week.astype(str).str.zfill(2)
            counts = joined.groupby(["cell_id", "category", "week"]).size()
            wide = counts.unstack("week", fill_value=0)
            previous = wide.shift(1, axis=1, fill_value=0)
            table = pd.DataFrame({"count": wide.stack(), "previous": previous.stack()})
            table = table[(table["count"] > 0) | (table["previous"] > 0)].reset_index()
            table["change"] = table["count"] - table["previous"]
            table["change_pct"] = (100 * table["change"] / table["previous"].where(table["previous"] > 0)).round(2)
            with tempfile.TemporaryDirectory() as d:
                table.to_csv(path or os.path.join(d, "summary.csv"), index=False)
            return int(counts.sum())
        out["pandas_summary_job"], out["pandas_summary_counted"] = timed(args.repeat, summary_job)
        if args.summary_out:
            summary_job(args.summary_out)
    if "hotspots" in stages:
        import esda
        import libpysal
        cells = gpd.read_file(cells_path)
        frame = pd.read_csv(csv_path)
        points = shapely.points(frame.lon.to_numpy(), frame.lat.to_numpy())
        _, cell_index = shapely.STRtree(cells.geometry.values).query(points, predicate="within")
        counts = np.bincount(cell_index, minlength=len(cells)).astype(float)
        out["libpysal_queen"], w = timed(args.repeat, lambda: libpysal.weights.Queen.from_dataframe(cells, use_index=False))
        out["libpysal_queen_links"] = int(w.s0)
        esda.G_Local(counts[:500], libpysal.weights.Queen.from_dataframe(cells.iloc[:500], use_index=False), star=True,
                     transform="B", permutations=9, seed=1)  # numba compiles here, untimed
        out["esda_gistar_999"], g = timed(1, lambda: esda.G_Local(counts, w, star=True, transform="B", permutations=999,
                                                                   seed=7))
        if args.gistar_out:
            pd.DataFrame({"cell_id": cells.cell_id, "z": g.Zs}).to_csv(args.gistar_out, index=False)
    if "render" in stages:
        import datashader
        from PIL import Image
        from scipy.ndimage import gaussian_filter

        cells = gpd.read_file(cells_path)
        frame = pd.read_csv(csv_path)
        minx, miny, maxx, maxy = cells.total_bounds
        canvas = datashader.Canvas(plot_width=2048, plot_height=2048, x_range=(minx, maxx), y_range=(miny, maxy))
        canvas.points(frame, "lon", "lat", agg=datashader.count())  # numba compiles on first use: not timed

        def count():
            return canvas.points(frame, "lon", "lat", agg=datashader.count()).values

        def blur(counts):
            return gaussian_filter(counts.astype(np.float32), 8)

        def shade(blurred):
            image = np.zeros((2048, 2048, 4), np.uint8)
            image[..., 0] = (blurred * 255 / max(1e-9, blurred.max())).clip(0, 255)
            image[..., 3] = 255
            return image

        def encode(image):
            buffer = io.BytesIO()
            Image.fromarray(image, "RGBA").save(buffer, "PNG")
            return buffer.getbuffer().nbytes

        out["datashader_count_2048"], counts = timed(args.repeat, count)
        out["gaussian_blur_sigma8"], blurred = timed(args.repeat, lambda: blur(counts))
        out["numpy_shade"], image = timed(args.repeat, lambda: shade(blurred))
        out["pillow_png_encode"], out["pillow_png_bytes"] = timed(args.repeat, lambda: encode(image))
        out["render_pipeline"], _ = timed(args.repeat, lambda: encode(shade(blur(count()))))
        out["render_points_counted"] = int(counts.sum())
    print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items()}))


main()
