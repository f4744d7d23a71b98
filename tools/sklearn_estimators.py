"""Reference outputs of scikit-learn estimators on amber's datasets.

Run by hand (never by CI):  venv/bin/python tools/sklearn_estimators.py
Writes crates/amber-estimators/tests/fixtures/sklearn_estimators.json.

Transformers: learned statistics on whole columns, and outputs on a slice of rows.
LogisticRegression: coefficients fitted to convergence (tol=1e-10), so that they are the optimum of
the objective rather than wherever a loose tolerance stopped.
Classifiers: held-out accuracy on the sklearn 80/20 split (random_state=42).
"""
import json
import pathlib

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/amber-estimators/tests/fixtures/sklearn_estimators.json"
ROWS = 300  # rows of transformed output stored per case


def load(name):
    return pd.read_csv(ROOT / "datasets" / f"{name}.csv", keep_default_na=False,
                       na_values=["", "NA", " "])


def nan_to_none(a):
    return [[None if (isinstance(v, float) and np.isnan(v)) else v for v in row] for row in a]


penguins = load("penguins")
telco = load("telco_churn")
iris = load("iris")
cancer = load("breast_cancer")

fx = {"generator": f"tools/sklearn_estimators.py, scikit-learn {sklearn.__version__}", "transformers": [],
      "logistic_regression": [], "accuracy": []}

# --- transformers -----------------------------------------------------------------------------
numeric_cases = [("penguins", penguins, ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]),
                 ("telco_churn", telco, ["tenure", "monthlycharges", "totalcharges"])]
for name, df, cols in numeric_cases:
    X = df[cols].to_numpy(dtype=float)
    s = StandardScaler().fit(X)
    fx["transformers"].append({"estimator": "StandardScaler", "dataset": name, "columns": cols, "params": {},
                               "learned": {"mean": s.mean_.tolist(), "scale": s.scale_.tolist()},
                               "output": nan_to_none(s.transform(X)[:ROWS].tolist())})
    m = MinMaxScaler().fit(X)
    fx["transformers"].append({"estimator": "MinMaxScaler", "dataset": name, "columns": cols, "params": {},
                               "learned": {"scale": m.scale_.tolist(), "min": m.min_.tolist()},
                               "output": nan_to_none(m.transform(X)[:ROWS].tolist())})
    m = MinMaxScaler(feature_range=(-1, 2)).fit(X)
    fx["transformers"].append({"estimator": "MinMaxScaler", "dataset": name, "columns": cols,
                               "params": {"feature_range": [-1, 2]},
                               "learned": {"scale": m.scale_.tolist(), "min": m.min_.tolist()},
                               "output": nan_to_none(m.transform(X)[:ROWS].tolist())})
    for strategy in ["mean", "median", "most_frequent"]:
        imp = SimpleImputer(strategy=strategy).fit(X)
        fx["transformers"].append({"estimator": "SimpleImputer", "dataset": name, "columns": cols,
                                   "params": {"strategy": strategy},
                                   "learned": {"statistics": imp.statistics_.tolist()},
                                   "output": imp.transform(X)[:ROWS].tolist()})

cat_cases = [("penguins", penguins, ["island", "sex"]),
             ("telco_churn", telco, ["gender", "partner", "internetservice", "contract", "paymentmethod"])]
for name, df, cols in cat_cases:
    X = df[cols].astype(object).where(df[cols].notna(), np.nan).to_numpy()
    for strategy, extra in [("most_frequent", {}), ("constant", {"fill_value": "missing_value"})]:
        imp = SimpleImputer(strategy=strategy, missing_values=np.nan, **extra).fit(X)
        fx["transformers"].append({"estimator": "SimpleImputer", "dataset": name, "columns": cols,
                                   "params": {"strategy": strategy},
                                   "learned": {"statistics": [str(v) for v in imp.statistics_]},
                                   "output": imp.transform(X)[:ROWS].tolist()})
    Xf = SimpleImputer(strategy="most_frequent").fit_transform(X)
    for drop in [None, "first", "if_binary"]:
        enc = OneHotEncoder(drop=drop, sparse_output=False).fit(Xf)
        names = [n.replace(f"{c}_", f"{c}=", 1) for n in enc.get_feature_names_out(cols)
                 for c in cols if n.startswith(f"{c}_")]
        fx["transformers"].append({"estimator": "OneHotEncoder", "dataset": name, "columns": cols,
                                   "params": {"drop": drop or "none", "impute_first": "most_frequent"},
                                   "learned": {"feature_names_out": names},
                                   "output": enc.transform(Xf)[:ROWS].tolist()})

# --- logistic regression coefficients ---------------------------------------------------------
def lr_case(name, X, y, scaled):
    if scaled:
        X = StandardScaler().fit_transform(X)
    for C in [1.0, 0.1]:
        m = LogisticRegression(C=C, tol=1e-10, max_iter=100000).fit(X, y)
        fx["logistic_regression"].append({"dataset": name, "standardized": scaled, "C": C,
                                          "classes": m.classes_.tolist(),
                                          "coef": m.coef_.tolist(), "intercept": m.intercept_.tolist()})


lr_case("iris", iris.drop(columns="species").to_numpy(float), iris["species"].to_numpy(), False)
lr_case("breast_cancer", cancer.drop(columns="diagnosis").to_numpy(float), cancer["diagnosis"].to_numpy(), True)

# --- held-out accuracy ------------------------------------------------------------------------
def accuracy_cases(name, X, y):
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=42)
    sc = StandardScaler().fit(Xtr)
    models = {
        "LogisticRegression": (LogisticRegression(max_iter=200), False),
        "StandardScaler+LogisticRegression": (LogisticRegression(max_iter=200), True),
        "DecisionTreeClassifier": (DecisionTreeClassifier(random_state=0), False),
        "RandomForestClassifier": (RandomForestClassifier(n_estimators=100, random_state=0), False),
        "StandardScaler+SVC": (SVC(kernel="rbf"), True),
    }
    for est, (m, scale) in models.items():
        a, b = (sc.transform(Xtr), sc.transform(Xte)) if scale else (Xtr, Xte)
        m.fit(a, ytr)
        fx["accuracy"].append({"dataset": name, "estimator": est, "train": float(m.score(a, ytr)),
                               "test": float(m.score(b, yte))})


accuracy_cases("iris", iris.drop(columns="species").to_numpy(float), iris["species"].to_numpy())
accuracy_cases("breast_cancer", cancer.drop(columns="diagnosis").to_numpy(float), cancer["diagnosis"].to_numpy())

# --- trees grown as scikit-learn grows them -------------------------------------------------------
fx["trees"] = []
for name, df, target in [("iris", iris, "species"), ("breast_cancer", cancer, "diagnosis")]:
    X, y = df.drop(columns=target).to_numpy(float), df[target].to_numpy()
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=42)
    for est, m in [("DecisionTreeClassifier", DecisionTreeClassifier(random_state=0)),
                   ("DecisionTreeClassifier", DecisionTreeClassifier(random_state=7, max_features=2, criterion="entropy")),
                   ("RandomForestClassifier", RandomForestClassifier(n_estimators=10, random_state=0))]:
        m.fit(Xtr, ytr)
        nodes = sum(t.tree_.node_count for t in m.estimators_) if est.startswith("Random") else m.tree_.node_count
        fx["trees"].append({"dataset": name, "estimator": est, "params": {k: v for k, v in m.get_params().items()
                            if k in ("random_state", "max_features", "criterion", "n_estimators")},
                            "n_nodes": int(nodes), "proba": m.predict_proba(Xte).tolist()})

OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps(fx, separators=(",", ":")) + "\n")
print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
for a in fx["accuracy"]:
    print(a)
