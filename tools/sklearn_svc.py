"""Reference SVC fits from scikit-learn (libsvm) on amber's datasets.

Run by hand (never by CI):  venv/bin/python tools/sklearn_svc.py
Writes crates/amber-estimators/tests/fixtures/sklearn_svc.json.

For each case: gamma, the support vector indices (`support_`, grouped by class), one-vs-one decision
values on every row (amber's orientation: positive means the pair's first class), and with
probability=True the Platt parameters and predict_proba on every row. amber's SMO solver and its
Platt folds reproduce libsvm's, so these are compared tightly, not to the solver's tolerance.
"""
import json
import pathlib
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

ROOT = pathlib.Path(__file__).resolve().parent.parent
# scikit-learn 1.9 deprecates probability=True (for CalibratedClassifierCV); amber keeps it.
warnings.filterwarnings("ignore", category=FutureWarning)

OUT = ROOT / "crates/amber-estimators/tests/fixtures/sklearn_svc.json"


def load(name, target):
    df = pd.read_csv(ROOT / "datasets" / f"{name}.csv")
    return df.drop(columns=target).to_numpy(float), df[target].to_numpy()


CASES = [
    # dataset, target, standardized, params
    ("iris", "species", True, dict(C=1.0, kernel="rbf", probability=True, random_state=0)),
    ("iris", "species", True, dict(C=10.0, kernel="rbf", probability=True, random_state=7)),
    ("iris", "species", False, dict(C=1.0, kernel="rbf", probability=True, random_state=3)),
    ("breast_cancer", "diagnosis", True, dict(C=1.0, kernel="rbf", probability=True, random_state=0)),
    ("breast_cancer", "diagnosis", True, dict(C=0.1, kernel="linear", probability=True, random_state=11)),
    ("breast_cancer", "diagnosis", True, dict(C=100.0, kernel="rbf", gamma=0.5, probability=False)),
    # Many more iterations than rows (14,346 and 828 for 569 rows), so that shrinking, unshrinking
    # and gradient reconstruction all run, in a kernel cache of 20 kB that holds two columns and
    # evicts at nearly every step.
    ("breast_cancer", "diagnosis", True, dict(C=10.0, kernel="linear", cache_size=0.02, probability=False)),
    ("breast_cancer", "diagnosis", True,
     dict(C=1000.0, kernel="rbf", cache_size=0.02, probability=True, random_state=5)),
    # One virginica row: the Platt fold that holds it out trains on one class only, and libsvm
    # gives its rows a fixed decision value instead of a nested model.
    ("iris", "species", False, dict(C=1.0, kernel="rbf", probability=True, random_state=0), list(range(101))),
    # One setosa row, the first class: there the one-class training part lacks the pair's positives.
    ("iris", "species", False, dict(C=1.0, kernel="rbf", probability=True, random_state=0), [0] + list(range(50, 150))),
    # 23 of its 40 support vectors at the bound C: shrinking removes variables at both bounds.
    ("breast_cancer", "diagnosis", True, dict(C=1.0, kernel="linear", cache_size=0.02, probability=False)),
]

fx = {"generator": f"tools/sklearn_svc.py, scikit-learn {sklearn.__version__}", "cases": []}
for name, target, standardized, params, *rows in CASES:
    X, y = load(name, target)
    if rows:
        X, y = X[rows[0]], y[rows[0]]
    if standardized:
        X = StandardScaler().fit_transform(X)
    m = SVC(decision_function_shape="ovo", **params).fit(X, y)
    dec = m.decision_function(X)
    if dec.ndim == 1:  # binary: sklearn reports positive = classes_[1]; amber's pair is positive = classes_[0]
        dec = -dec[:, None]
    case = {"dataset": name, "standardized": standardized, "params": params, "gamma": float(m._gamma),
            **({"rows": rows[0]} if rows else {}),
            "support": m.support_.tolist(), "n_iter": m.n_iter_.tolist(), "decision": dec.tolist()}
    if params.get("probability"):
        case["prob_a"] = m.probA_.tolist()
        case["prob_b"] = m.probB_.tolist()
        case["proba"] = m.predict_proba(X).tolist()
    fx["cases"].append(case)

OUT.write_text(json.dumps(fx, indent=1) + "\n")
print(f"wrote {OUT}")
