"""Trees on tie-heavy data (features rounded), gini and entropy, several random_states, all
features and sqrt: scikit-learn's split features and thresholds in node order, for the exactness
test (crates/amber-estimators/tests/exact_trees.rs).

`limited_cases`: the same data with growth limits (max_depth, min_samples_split, min_samples_leaf),
whose early leaves change how many features the splitter draws, and with sample weights
`0.1 * (1 + i % 7)`, which are not sums of powers of two: rows equal on a feature must then be
summed in scikit-learn's order (its introsort's) for the same float sums and the same ties.

Run by hand (never by CI):  venv/bin/python tools/sklearn_exact_trees.py
Writes crates/amber-estimators/tests/fixtures/sklearn_exact_trees.json.
"""
import json
import pathlib

import numpy as np
import pandas as pd
import sklearn
from sklearn.tree import DecisionTreeClassifier

ROOT = pathlib.Path(__file__).resolve().parent.parent


def load(name, target):
    df = pd.read_csv(ROOT / "datasets" / f"{name}.csv", keep_default_na=False, na_values=["", "NA", " "])
    return df.drop(columns=target).to_numpy(float), df[target].to_numpy()


cases = []
cancer_x, cancer_y = load("breast_cancer", "diagnosis")
iris_x, iris_y = load("iris", "species")
data = [("breast_cancer", 0, cancer_x, cancer_y), ("breast_cancer", 1, cancer_x, cancer_y), ("iris", 0, iris_x, iris_y),
        ("iris", 1, iris_x, iris_y)]
for name, decimals, x, y in data:
    xr = np.round(x, decimals)
    for criterion in ["gini", "entropy"]:
        for max_features in [None, "sqrt"]:
            for seed in range(25):
                t = DecisionTreeClassifier(criterion=criterion, max_features=max_features, random_state=seed).fit(xr, y)
                internal = t.tree_.children_left != -1
                cases.append({"dataset": name, "decimals": decimals, "criterion": criterion,
                              "max_features": max_features, "random_state": seed,
                              "n_nodes": int(t.tree_.node_count),
                              "feature": t.tree_.feature[internal].tolist(),
                              "threshold": t.tree_.threshold[internal].tolist()})
limited = []
limits = [dict(max_depth=4, max_features="sqrt"), dict(min_samples_leaf=5, max_features="sqrt"),
          dict(min_samples_split=10, max_features="sqrt"), dict(min_samples_leaf=3)]
for name, x, y in [("breast_cancer", cancer_x, cancer_y), ("iris", iris_x, iris_y)]:
    xr = np.round(x, 1)
    for criterion in ["gini", "entropy"]:
        for params in limits:
            for weighted in [False, True]:
                w = 0.1 * (1 + np.arange(len(y)) % 7) if weighted else None
                for seed in range(5):
                    t = DecisionTreeClassifier(criterion=criterion, random_state=seed, **params)
                    t.fit(xr, y, sample_weight=w)
                    internal = t.tree_.children_left != -1
                    limited.append({"dataset": name, "criterion": criterion, "params": params, "weighted": weighted,
                                    "random_state": seed, "n_nodes": int(t.tree_.node_count),
                                    "feature": t.tree_.feature[internal].tolist(),
                                    "threshold": t.tree_.threshold[internal].tolist()})
out = ROOT / "crates/amber-estimators/tests/fixtures/sklearn_exact_trees.json"
out.write_text(json.dumps({"generator": f"tools/sklearn_exact_trees.py, scikit-learn {sklearn.__version__}", "cases": cases,
                           "limited_cases": limited}) + "\n")
print(len(cases), "cases,", len(limited), "limited cases,", out.stat().st_size, "bytes")
