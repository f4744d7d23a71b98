"""Reference samples of scikit-learn's ParameterSampler over grids (lists only), for amber's
randomized GridSearch: which combinations a seeded sample draws.

usage: venv/bin/python tools/sklearn_parameter_sampler.py
  -> crates/amber-model-selection/tests/fixtures/sklearn_parameter_sampler.json

ParameterSampler draws grid indices with sample_without_replacement, which permutes the grid
(numpy's RandomState.permutation) when 1 % < n_iter / grid size < 99 %: the cases below stay in
that range. amber evaluates the drawn combinations in grid order, so each sample is stored sorted.
"""
import json
import os

import sklearn
from sklearn.model_selection import ParameterGrid, ParameterSampler

CASES = [
    # (grid: path -> number of values, n_iter, seed)
    ({"a": 5, "b": 4, "c": 3}, 10, 0),
    ({"a": 5, "b": 4, "c": 3}, 10, 1),
    ({"a": 5, "b": 4, "c": 3}, 59, 7),
    ({"x": 2, "y": 50}, 60, 42),
    # Between MAX_CANDIDATES (100,000) and twice that: still a permutation.
    ({"a": 50, "b": 50, "c": 60}, 2000, 3),
]

out = {"sklearn": sklearn.__version__, "cases": []}
for sizes, n_iter, seed in CASES:
    grid = {k: list(range(n)) for k, n in sizes.items()}
    drawn = list(ParameterSampler(grid, n_iter=n_iter, random_state=seed))
    keys = sorted(grid)
    rows = sorted([p[k] for k in keys] for p in drawn)
    out["cases"].append({"sizes": sizes, "n_iter": n_iter, "seed": seed, "keys": keys, "drawn": rows})

path = os.path.join(os.path.dirname(__file__), "..", "crates", "amber-model-selection", "tests", "fixtures",
                    "sklearn_parameter_sampler.json")
with open(path, "w") as f:
    json.dump(out, f)
    f.write("\n")
