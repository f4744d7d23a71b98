"""LogisticRegression as scikit-learn fits it at its default stopping rule, with class and sample weights.

Run by hand (never by CI):  venv/bin/python tools/sklearn_logistic.py
Writes crates/amber-estimators/tests/fixtures/sklearn_logistic.json.

Each case: the data (a built-in dataset's numeric columns, raw or standardized with StandardScaler;
penguins without rows that miss a value), the hyperparameters, sample weights (`0.5 + (i % 4) / 2`
for row i, or with every 7th row weighted 0), and scikit-learn's coef_, intercept_, n_iter_ and
whether it converged (no ConvergenceWarning), and the objective's value at coef_.
"""
import json
import pathlib
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from fixture_weights import weights

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/amber-estimators/tests/fixtures/sklearn_logistic.json"


def data(name, standardized):
    df = pd.read_csv(ROOT / "datasets" / f"{name}.csv")
    target = {"iris": "species", "breast_cancer": "diagnosis", "penguins": "species"}[name]
    if name == "penguins":
        df = df[[target, "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]].dropna()
    X = df.drop(columns=target).select_dtypes("number").to_numpy(float)
    if standardized:
        X = StandardScaler().fit_transform(X)
    return X, df[target].to_numpy()



CASES = [
    # dataset, standardized, params, sample weights
    ("iris", False, {}, None),
    ("iris", False, {"C": 0.1}, None),
    ("iris", True, {"C": 100.0}, None),
    ("breast_cancer", True, {}, None),
    ("breast_cancer", True, {"C": 0.05, "tol": 1e-6}, None),
    ("breast_cancer", False, {}, None),
    ("penguins", True, {"C": 10.0, "fit_intercept": False}, None),
    ("penguins", False, {"max_iter": 1000}, None),
    ("breast_cancer", True, {"class_weight": "balanced"}, None),
    ("penguins", True, {"class_weight": {"Adelie": 2.0, "Gentoo": 0.5}}, "fractional"),
    ("penguins", True, {"class_weight": "balanced"}, "fractional"),
    ("breast_cancer", True, {"C": 0.5}, "with_zeros"),
    ("iris", False, {"max_iter": 15}, None),
]

def objective(m, X, y, sw, params):
    """scikit-learn's lbfgs objective at the fitted model: the weighted mean log-loss (class
    weights included) plus ||coef||^2 / (2 C sum(w))."""
    w = np.ones(len(y)) if sw is None else sw.copy()
    cw = params.get("class_weight")
    if cw is not None:
        from sklearn.utils.class_weight import compute_class_weight
        per_class = compute_class_weight(cw, classes=m.classes_, y=y, sample_weight=w)
        w = w * per_class[np.searchsorted(m.classes_, y)]
    p = m.predict_proba(X)[np.arange(len(y)), np.searchsorted(m.classes_, y)]
    C = params.get("C", 1.0)
    return float(-(w * np.log(p)).sum() / w.sum() + (m.coef_ ** 2).sum() / (2 * C * w.sum()))


fx = {"generator": f"tools/sklearn_logistic.py, scikit-learn {sklearn.__version__}", "cases": []}
for name, standardized, params, kind in CASES:
    X, y = data(name, standardized)
    sw = weights(len(y), kind)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        m = LogisticRegression(**params).fit(X, y, sample_weight=sw)
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    cw = params.get("class_weight")
    if isinstance(cw, dict):  # explicit weights by class index (position among the sorted labels)
        cw = {str(list(m.classes_).index(k)): v for k, v in cw.items()}
    fx["cases"].append({
        "dataset": name, "standardized": standardized, "sample_weight": kind,
        "params": {**params, **({"class_weight": cw} if cw is not None else {})},
        "coef": m.coef_.tolist(), "intercept": m.intercept_.tolist(),
        "n_iter": int(m.n_iter_[0]), "converged": converged, "objective": objective(m, X, y, sw, params),
    })
    print(name, standardized, params, kind, "n_iter", int(m.n_iter_[0]), "converged", converged)

OUT.write_text(json.dumps(fx, indent=1) + "\n")
