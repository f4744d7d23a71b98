"""scikit-learn side of `cargo xtask bench` (run by it when a Python with scikit-learn is present).

usage: bench_worker.py DIR              -> answers one JSON request per stdin line, one JSON line each
       bench_worker.py DIR --once REQ   -> runs one request (for a fresh process's peak RSS), no output

DIR holds the CSV files xtask wrote: train-N.csv (synthetic, N rows), test.csv (held-out synthetic
rows), telco-train.csv and telco-test.csv. A request is {"case": ..., "n": ..., "threads": ...};
the answer is {"seconds": one timed run, "accuracy": on held-out rows or null}. Data is read once
and kept; only the work itself is timed, exactly as amber's side is.
"""
import json
import os
import sys
import time

import joblib
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

DIR = sys.argv[1]
ACCURACY_ROWS = 2000  # held-out rows scored after a fit
cache = {}


def synthetic(name):
    if name not in cache:
        df = pd.read_csv(os.path.join(DIR, name))
        cache[name] = (df.drop(columns="label").to_numpy(float), df["label"].to_numpy())
    return cache[name]


def telco(name):
    if name not in cache:
        df = pd.read_csv(os.path.join(DIR, name), keep_default_na=False, na_values=["", "NA", " "],
                         dtype={"customerid": str})
        cache[name] = (df.drop(columns=["churn", "customerid"]), df["churn"].to_numpy())
    return cache[name]


def timed(f):
    t = time.perf_counter()
    out = f()
    return out, time.perf_counter() - t


def accuracy(model, X, y):
    return float(np.mean(model.predict(X) == y))


def telco_pipeline(X):
    num = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
    cat = [c for c in X.columns if c not in num]
    pre = ColumnTransformer([
        ("numeric", Pipeline([("imputer", SimpleImputer(strategy="median")), ("scaler", StandardScaler())]), num),
        ("categorical", Pipeline([("imputer", SimpleImputer(strategy="most_frequent")),
                                  ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]), cat)])
    return Pipeline([("pre", pre), ("classifier", LogisticRegression(max_iter=1000))])


FITS = {
    "rf_fit": lambda r: RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=r["threads"]),
    "dt_fit": lambda r: DecisionTreeClassifier(random_state=0),
    "lr_fit": lambda r: LogisticRegression(max_iter=1000),
    "svc_fit": lambda r: SVC(),
}


def stored(name, fit):
    """A model fitted once (untimed) and kept in DIR/name, so that a fresh process loads it."""
    if name not in cache:
        path = os.path.join(DIR, name)
        if os.path.exists(path):
            cache[name] = joblib.load(path)
        else:
            cache[name] = fit()
            joblib.dump(cache[name], path)
    return cache[name]


def forest():
    """The 20,000-row forest of the prediction and load cases."""
    def fit():
        X, y = synthetic("train-20000.csv")
        return RandomForestClassifier(n_estimators=100, random_state=0).fit(X, y)
    return stored("forest.joblib", fit)


def fitted_telco():
    """The telco pipeline of the prediction and cold-start cases."""
    def fit():
        X, y = telco("telco-train.csv")
        return telco_pipeline(X).fit(X, y)
    return stored("telco.joblib", fit)


def run(r):
    case = r["case"]
    if case in FITS:
        X, y = synthetic(f"train-{r['n']}.csv")
        Xt, yt = synthetic("test.csv")
        model, s = timed(lambda: FITS[case](r).fit(X, y))
        return {"seconds": s, "accuracy": accuracy(model, Xt[:ACCURACY_ROWS], yt[:ACCURACY_ROWS])}
    if case == "rf_predict":
        Xt, yt = synthetic("test.csv")
        m = forest()
        m.n_jobs = r["threads"]
        p, s = timed(lambda: m.predict_proba(Xt))
        return {"seconds": s, "accuracy": float(np.mean(m.classes_[p.argmax(axis=1)] == yt))}
    if case == "rf_single":
        Xt, _ = synthetic("test.csv")
        m = forest()
        m.n_jobs = 1
        calls = 200
        _, s = timed(lambda: [m.predict_proba(Xt[i:i + 1]) for i in range(calls)])
        return {"seconds": s / calls, "accuracy": None}
    if case == "telco_fit":
        X, y = telco("telco-train.csv")
        Xt, yt = telco("telco-test.csv")
        model, s = timed(lambda: telco_pipeline(X).fit(X, y))
        return {"seconds": s, "accuracy": accuracy(model, Xt, yt)}
    if case == "telco_predict":
        Xt, yt = telco("telco-test.csv")
        m = fitted_telco()
        p, s = timed(lambda: m.predict_proba(Xt))
        return {"seconds": s, "accuracy": float(np.mean(m.classes_[p.argmax(axis=1)] == yt))}
    if case == "load":
        forest()
        _, s = timed(lambda: joblib.load(os.path.join(DIR, "forest.joblib")))
        return {"seconds": s, "accuracy": None}
    if case == "prepare":  # the stored models, before cold starts and fresh processes need them
        forest(), fitted_telco()
        return {"seconds": 0.0, "accuracy": None}
    raise ValueError(f"unknown case {case!r}")


if len(sys.argv) > 3 and sys.argv[2] == "--once":
    run(json.loads(sys.argv[3]))
else:
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        try:
            answer = run(json.loads(line))
        except Exception as e:  # reported to xtask, which shows the case as failed
            answer = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(answer), flush=True)
