"""Grid searches with sample weights for the classifier of a pipeline, as scikit-learn's
GridSearchCV(pipeline).fit(X, y, classifier__sample_weight=w) runs them: weights sliced per fold
for fitting, unweighted scores, the winner refitted with all weights. (scikit-learn 1.9 also
weights the scorer when the key is a bare `sample_weight`; amber's scores are unweighted.)

Run by hand (never by CI):  venv/bin/python tools/sklearn_weighted_search.py
Writes crates/amber-model-selection/tests/fixtures/sklearn_weighted_search.json.

Folds: StratifiedKFold(5, shuffle=True, random_state=1), which amber draws identically. Weights:
`0.5 + (i % 4) / 2` for row i ("fractional"), with every 7th row 0 ("with_zeros"); all dyadic, so
tree weight sums are exact on both sides.
"""
import json
import pathlib

import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from fixture_weights import weights

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/amber-model-selection/tests/fixtures/sklearn_weighted_search.json"



CASES = [
    # dataset, target, estimator, grid, weights
    ("breast_cancer", "diagnosis", "scaled_logistic_regression", {"C": [0.01, 0.1, 1.0, 10.0]}, "fractional"),
    ("iris", "species", "decision_tree", {"max_depth": [1, 2, 3, None]}, "with_zeros"),
]

fx = {"generator": f"tools/sklearn_weighted_search.py, scikit-learn {sklearn.__version__}", "cases": []}
for name, target, estimator, grid, kind in CASES:
    df = pd.read_csv(ROOT / "datasets" / f"{name}.csv")
    X, y = df.drop(columns=target).to_numpy(float), df[target].to_numpy()
    w = weights(len(y), kind)
    cv = StratifiedKFold(5, shuffle=True, random_state=1)
    if estimator == "decision_tree":
        model = Pipeline([("classifier", DecisionTreeClassifier(random_state=0))])
    else:
        model = Pipeline([("scaler", StandardScaler()), ("classifier", LogisticRegression())])
    prefix = "classifier__"
    search = GridSearchCV(model, {prefix + k: v for k, v in grid.items()}, cv=cv, scoring="accuracy")
    search.fit(X, y, **{prefix + "sample_weight": w})
    res = search.cv_results_
    best = search.best_estimator_.named_steps["classifier"]
    fx["cases"].append({
        "dataset": name, "target": target, "estimator": estimator, "grid": grid, "sample_weight": kind,
        "fold_scores": [[float(res[f"split{k}_test_score"][i]) for k in range(5)] for i in range(len(res["params"]))],
        "best_index": int(search.best_index_),
        "best_coef": best.coef_.tolist() if estimator != "decision_tree" else None,
        "best_n_nodes": int(best.tree_.node_count) if estimator == "decision_tree" else None,
    })
    print(name, estimator, res["mean_test_score"], search.best_index_)

OUT.write_text(json.dumps(fx, indent=1) + "\n")
print(f"wrote {OUT}")
