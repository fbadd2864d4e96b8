#!/usr/bin/env python3
"""Writes class_breaks.json: class breaks computed by mapclassify on a fixed sample, for ClassificationTests.

usage: python3 Tests/RenderTests/Reference/make_class_breaks.py > Tests/RenderTests/Reference/class_breaks.json
Needs numpy and mapclassify (pip install mapclassify). The sample is skewed like incident counts per cell:
three clusters of different spread plus a long tail, rounded to 3 decimals so the text reads back exactly.
"""
import json

import mapclassify
import numpy as np

rng = np.random.default_rng(20240405)
values = np.concatenate([
    rng.normal(4, 1.2, 60), rng.normal(15, 3, 30), rng.normal(40, 6, 12), rng.exponential(30, 8) + 60,
])
values = np.round(np.abs(values), 3)
out = {"mapclassify": mapclassify.__version__, "values": values.tolist()}
for k in (3, 5, 7):
    out[f"fisher_jenks_{k}"] = mapclassify.FisherJenks(values, k=k).bins.tolist()
for k in (4, 5):
    out[f"quantiles_{k}"] = mapclassify.Quantiles(values, k=k).bins.tolist()
    out[f"equal_interval_{k}"] = mapclassify.EqualInterval(values, k=k).bins.tolist()
print(json.dumps(out, indent=1))
