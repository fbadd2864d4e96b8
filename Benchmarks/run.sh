#!/usr/bin/env bash
# Side-by-side benchmarks: HeatGrid and its Python peers on the same seeded files, in the same run.
#
# usage: Benchmarks/run.sh [N ...]        (default: 1000000)
# Makes Benchmarks/.venv (numpy, pandas, geopandas, shapely, pyproj, datashader, scipy, pillow, esda, libpysal from PyPI) and the workload in
# Benchmarks/.workload on first use, builds the benchmark package in release mode and runs it for each N.
# Exits non-zero when a result is wrong (a fast wrong answer fails) or a speed target is missed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
sizes=("${@:-1000000}")
bash ../.ci/install-deps
[ -x .venv/bin/python ] || python3 -m venv .venv
if ! .venv/bin/python -c "import geopandas, pyogrio, datashader, scipy, PIL, esda, libpysal" 2>/dev/null; then
  .venv/bin/pip install -q numpy pandas geopandas shapely pyproj pyogrio datashader scipy pillow esda libpysal
fi
# One generator call per size, so incidents_N depends only on the seed and N.
for n in "${sizes[@]}"; do
  [ -f ".workload/incidents_$n.csv" ] || .venv/bin/python workload/make_workload.py .workload --points "$n" >/dev/null
done
swift build -c release --package-path .. >/dev/null
swift build -c release --package-path . >/dev/null
status=0
for n in "${sizes[@]}"; do
  "$(swift build -c release --package-path . --show-bin-path)/heatgrid-bench" \
    --workload .workload --points "$n" --python .venv/bin/python --peers peers/peers.py \
    --heatgrid "$(swift build -c release --package-path .. --show-bin-path)/heatgrid" || status=$?
done
exit $status
