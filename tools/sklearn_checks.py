"""Reference figures for the data checks and the baseline (amber_model_selection::{checks, baseline}).

Run by hand (never by CI):  venv/bin/python tools/sklearn_checks.py
Writes crates/amber-model-selection/tests/fixtures/sklearn_checks.json.

For each dataset, on the train split of train_test_split(test_size=0.2, random_state=42) as
`amber train` makes it:
- cross_validate(DummyClassifier(strategy="most_frequent"), cv=StratifiedKFold(5)) per scoring,
  and the dummy's test metrics (fitted on the whole train split) — the leaderboard's baseline;
- the train-test overlap and duplicates counted by pandas (rows compared as tuples of cells, a
  missing cell equal to a missing cell): test rows equal to a training row on every feature, and
  training rows that repeat an earlier training row on every column.
"""
import json
import pathlib

import numpy as np
import pandas as pd
import sklearn
from sklearn.dummy import DummyClassifier
from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_validate, train_test_split

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/amber-model-selection/tests/fixtures/sklearn_checks.json"
SCORINGS = ["accuracy", "f1_macro", "f1_weighted", "roc_auc", "neg_log_loss"]


def load(name):
    return pd.read_csv(ROOT / "datasets" / f"{name}.csv", keep_default_na=False, na_values=["", "NA", " "],
                       dtype={"customerid": str})


def keys(frame):
    return [tuple("<missing>" if pd.isna(v) else repr(float(v)) if isinstance(v, (int, float, np.number)) else v
                  for v in row) for row in frame.itertuples(index=False)]


fx = {"generator": f"tools/sklearn_checks.py, scikit-learn {sklearn.__version__}", "cases": []}
for name, target, drop in [("iris", "species", []), ("breast_cancer", "diagnosis", []),
                           ("penguins", "species", []), ("telco_churn", "churn", ["customerid"]),
                           ("telco_churn", "churn", [])]:
    df = load(name).drop(columns=drop)
    X, y = df.drop(columns=[target]), df[target]
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=42)
    cv = {}
    for scoring in SCORINGS:
        if scoring == "roc_auc" and y.nunique() > 2:
            scoring_arg = "roc_auc_ovr"
        else:
            scoring_arg = scoring
        r = cross_validate(DummyClassifier(strategy="most_frequent"), Xtr, ytr, cv=StratifiedKFold(5), scoring=scoring_arg)
        cv[scoring] = r["test_score"].tolist()
    dummy = DummyClassifier(strategy="most_frequent").fit(Xtr, ytr)
    proba = dummy.predict_proba(Xte)
    test = {"accuracy": accuracy_score(yte, dummy.predict(Xte)),
            "f1_macro": f1_score(yte, dummy.predict(Xte), average="macro"),
            "log_loss": log_loss(yte, proba, labels=dummy.classes_)}
    train_keys = set(keys(Xtr))
    overlap = sum(k in train_keys for k in keys(Xte))
    whole = keys(pd.concat([Xtr, ytr], axis=1))
    duplicates = len(whole) - len(set(whole))
    fx["cases"].append({"dataset": name, "target": target, "dropped": drop, "cv": cv, "test": test,
                        "most_frequent": str(dummy.classes_[np.argmax(dummy.class_prior_)]),
                        "test_rows": len(Xte), "train_rows": len(Xtr),
                        "test_rows_in_train": overlap, "train_duplicates": duplicates})
    print(name, drop, "overlap", overlap, "dups", duplicates, "cv acc", np.mean(cv["accuracy"]))
OUT.write_text(json.dumps(fx, indent=1))
print("wrote", OUT)
