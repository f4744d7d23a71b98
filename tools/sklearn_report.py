"""Reference values for what the training report draws: ROC and precision-recall curves, and tree and
forest feature importances (mean decrease in impurity).

Run by hand (never by CI):  venv/bin/python tools/sklearn_report.py
Writes crates/amber-model-selection/tests/fixtures/sklearn_curves.json and
crates/amber-estimators/tests/fixtures/sklearn_importances.json.

Curves: the scores are stored with the curves, so the test checks the curve functions alone.
Importances: the trees are scikit-learn's for the same random_state (tested elsewhere), so their
feature_importances_ must be equal too.
"""
import json
import pathlib

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve, roc_curve
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

ROOT = pathlib.Path(__file__).resolve().parent.parent


def load(name):
    return pd.read_csv(ROOT / "datasets" / f"{name}.csv", keep_default_na=False, na_values=["", "NA", " "])


def floats(a):
    return [None if np.isinf(v) else float(v) for v in a]


generator = f"tools/sklearn_report.py, scikit-learn {sklearn.__version__}"

# --- curves -------------------------------------------------------------------------------------
cases = []
rng = np.random.RandomState(0)
cancer = load("breast_cancer")
X = StandardScaler().fit_transform(cancer.drop(columns="diagnosis").to_numpy(float))
y = pd.Categorical(cancer["diagnosis"]).codes.astype(int)
p = LogisticRegression(C=0.05).fit(X, y).predict_proba(X)[:, 1]
cases.append(("breast_cancer LR, positive 1", y, 1, p))
cases.append(("breast_cancer LR rounded to 0.05 (ties), positive 0", y, 0, np.round(1 - p, 1) / 2))
iris = load("iris")
Xi = iris.drop(columns="species").to_numpy(float)
yi = pd.Categorical(iris["species"]).codes.astype(int)
pi = LogisticRegression(max_iter=1000).fit(Xi, yi).predict_proba(Xi)
for k in range(3):
    cases.append((f"iris LR one-vs-rest class {k}", yi, k, pi[:, k]))
yr = rng.randint(0, 2, 60)
cases.append(("integer scores, many ties", yr, 1, rng.randint(0, 5, 60).astype(float)))
cases.append(("one positive", np.array([0, 0, 1, 0]), 1, np.array([0.2, 0.9, 0.5, 0.5])))

curves = []
for name, yt, pos, s in cases:
    fpr, tpr, rt = roc_curve(yt, s, pos_label=pos)
    prec, rec, pt = precision_recall_curve(yt, s, pos_label=pos)
    curves.append({"name": name, "y_true": yt.tolist(), "positive": pos, "scores": s.tolist(),
                   "roc": {"fpr": floats(fpr), "tpr": floats(tpr), "thresholds": floats(rt)},
                   "pr": {"precision": floats(prec), "recall": floats(rec), "thresholds": floats(pt)}})
out = ROOT / "crates/amber-model-selection/tests/fixtures/sklearn_curves.json"
out.write_text(json.dumps({"generator": generator, "cases": curves}, indent=1) + "\n")

# --- importances --------------------------------------------------------------------------------
importances = []
estimators = [
    ("decision_tree", {"random_state": 0}, lambda: DecisionTreeClassifier(random_state=0)),
    ("decision_tree", {"max_depth": 3, "criterion": "entropy", "random_state": 1},
     lambda: DecisionTreeClassifier(max_depth=3, criterion="entropy", random_state=1)),
    ("random_forest", {"n_estimators": 25, "random_state": 0},
     lambda: RandomForestClassifier(n_estimators=25, random_state=0)),
    ("random_forest", {"n_estimators": 10, "max_depth": 4, "random_state": 3},
     lambda: RandomForestClassifier(n_estimators=10, max_depth=4, random_state=3)),
]
for dataset, df, target in [("iris", iris, "species"), ("breast_cancer", cancer, "diagnosis")]:
    Xd, yd = df.drop(columns=target).to_numpy(float), df[target].to_numpy()
    for estimator, params, make in estimators:
        m = make().fit(Xd, yd)
        importances.append({"dataset": dataset, "estimator": estimator, "params": params,
                            "feature_importances": m.feature_importances_.tolist()})
out = ROOT / "crates/amber-estimators/tests/fixtures/sklearn_importances.json"
out.write_text(json.dumps({"generator": generator, "cases": importances}, indent=1) + "\n")
print("wrote curves and importances")
