"""Reference fits with class and sample weights from scikit-learn.

Run by hand (never by CI):  venv/bin/python tools/sklearn_weights.py
Writes crates/amber-estimators/tests/fixtures/sklearn_weights.json.

Data: breast_cancer (357/212) and penguins' numeric columns (rows without missing values;
Adelie 151, Chinstrap 68, Gentoo 123), standardized for SVC. Sample weights are `0.5 + (i % 4) / 2`
for row i (non-integer, and never zero), or with every 7th row weighted 0. For trees and forests:
node counts and predict_proba on every row; for SVC: support vector indices and decision values.
"""
import json
import pathlib
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from fixture_weights import weights

warnings.filterwarnings("ignore", category=FutureWarning)
ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/amber-estimators/tests/fixtures/sklearn_weights.json"


def data(name):
    if name == "breast_cancer":
        df = pd.read_csv(ROOT / "datasets/breast_cancer.csv")
        return df.drop(columns="diagnosis").to_numpy(float), df["diagnosis"].to_numpy()
    df = pd.read_csv(ROOT / "datasets/penguins.csv")
    cols = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
    df = df.dropna(subset=cols)
    return df[cols].to_numpy(float), df["species"].to_numpy()



CASES = [
    # dataset, estimator, params, sample weights (None, "fractional" or "with_zeros")
    ("breast_cancer", "DecisionTreeClassifier", {"class_weight": "balanced", "random_state": 0}, None),
    ("penguins", "DecisionTreeClassifier", {"class_weight": "balanced", "random_state": 0, "max_depth": 4}, None),
    ("penguins", "DecisionTreeClassifier", {"class_weight": {0: 1.0, 1: 3.0}, "random_state": 1}, None),
    ("breast_cancer", "DecisionTreeClassifier", {"random_state": 0}, "fractional"),
    ("penguins", "DecisionTreeClassifier", {"class_weight": "balanced", "random_state": 2}, "with_zeros"),
    ("breast_cancer", "RandomForestClassifier", {"n_estimators": 10, "class_weight": "balanced", "random_state": 0}, None),
    ("penguins", "RandomForestClassifier", {"n_estimators": 10, "class_weight": "balanced_subsample", "random_state": 0}, None),
    ("penguins", "RandomForestClassifier", {"n_estimators": 10, "random_state": 3}, "fractional"),
    ("breast_cancer", "RandomForestClassifier", {"n_estimators": 10, "class_weight": "balanced_subsample", "bootstrap": False, "random_state": 4}, "fractional"),
    ("breast_cancer", "SVC", {"class_weight": "balanced"}, None),
    ("penguins", "SVC", {"class_weight": {0: 2.0, 2: 0.5}, "C": 3.0}, None),
    ("penguins", "SVC", {"class_weight": "balanced"}, "fractional"),
    ("breast_cancer", "SVC", {"probability": True, "random_state": 5}, "with_zeros"),
]

fx = {"generator": f"tools/sklearn_weights.py, scikit-learn {sklearn.__version__}", "cases": []}
for name, est, params, sw_kind in CASES:
    X, y = data(name)
    classes = np.unique(y)
    # amber's explicit weights are keyed by class index: sklearn's by label.
    p = dict(params)
    if isinstance(p.get("class_weight"), dict):
        p["class_weight"] = {classes[k]: v for k, v in p["class_weight"].items()}
    sw = None if sw_kind is None else weights(len(y), sw_kind)
    case = {"dataset": name, "estimator": est, "params": params, "sample_weight": sw_kind}
    if est == "SVC":
        X = StandardScaler().fit_transform(X)
        m = SVC(decision_function_shape="ovo", **p).fit(X, y, sample_weight=sw)
        dec = m.decision_function(X)
        if dec.ndim == 1:
            dec = -dec[:, None]
        case.update(support=m.support_.tolist(), decision=dec.tolist())
        if p.get("probability"):
            case["proba"] = m.predict_proba(X).tolist()
    else:
        cls = DecisionTreeClassifier if est == "DecisionTreeClassifier" else RandomForestClassifier
        m = cls(**p).fit(X, y, sample_weight=sw)
        nodes = sum(t.tree_.node_count for t in m.estimators_) if hasattr(m, "estimators_") else m.tree_.node_count
        case.update(n_nodes=int(nodes), proba=m.predict_proba(X).tolist())
    fx["cases"].append(case)

OUT.write_text(json.dumps(fx) + "\n")
print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
