"""Reference outputs of scikit-learn pipelines shaped like the tutorial lab, on penguins and churn.

Run by hand (never by CI):  venv/bin/python tools/sklearn_pipelines.py
Writes tests/fixtures/sklearn_pipelines.json.

Shape: numeric columns -> SimpleImputer(median) + StandardScaler; categorical columns ->
SimpleImputer(most_frequent) + OneHotEncoder(handle_unknown="ignore"); id column dropped; then a
classifier. Split: train_test_split(test_size=0.2, random_state=42).
"""
import json
import pathlib

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests/fixtures/sklearn_pipelines.json"
ROWS = 200

fx = {"generator": f"tools/sklearn_pipelines.py, scikit-learn {sklearn.__version__}", "cases": []}
for name, target, drop in [("penguins", "species", []), ("telco_churn", "churn", ["customerid"])]:
    df = pd.read_csv(ROOT / "datasets" / f"{name}.csv", keep_default_na=False, na_values=["", "NA", " "],
                     dtype={"customerid": str})
    X, y = df.drop(columns=[target] + drop), df[target]
    num = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
    cat = [c for c in X.columns if c not in num]
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=42)
    pre = ColumnTransformer([
        ("numeric", Pipeline([("imputer", SimpleImputer(strategy="median")), ("scaler", StandardScaler())]), num),
        ("categorical", Pipeline([("imputer", SimpleImputer(strategy="most_frequent")),
                                  ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]), cat),
    ], verbose_feature_names_out=False)
    lr = Pipeline([("pre", pre), ("classifier", LogisticRegression(max_iter=1000))]).fit(Xtr, ytr)
    rf = Pipeline([("pre", pre), ("classifier", RandomForestClassifier(n_estimators=100, random_state=0))]).fit(Xtr, ytr)
    Z = lr.named_steps["pre"].transform(Xte)
    names = []
    for n in lr.named_steps["pre"].get_feature_names_out():
        col = next((c for c in cat if n.startswith(c + "_")), None)
        names.append(n if col is None else f"{col}={n[len(col) + 1:]}")
    fx["cases"].append({
        "dataset": name, "target": target, "numeric": num, "categorical": cat, "dropped": drop,
        "feature_names_out": names,
        "transformed_head": Z[:ROWS].tolist(),
        "transformed_column_sums": Z.sum(axis=0).tolist(),
        "lr_predictions": lr.predict(Xte).tolist(),
        "lr_test_accuracy": float(lr.score(Xte, yte)),
        "lr_coef": lr.named_steps["classifier"].coef_.tolist(),
        "lr_intercept": lr.named_steps["classifier"].intercept_.tolist(),
        "lr_n_iter": int(lr.named_steps["classifier"].n_iter_[0]),
        "rf_test_accuracy": float(rf.score(Xte, yte)),
    })
    print(name, len(names), "features; LR", lr.score(Xte, yte), "RF", rf.score(Xte, yte))

OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps(fx, separators=(",", ":")) + "\n")
print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
