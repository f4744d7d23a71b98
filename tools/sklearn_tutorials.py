"""The tutorials' figures (docs/TUTORIALS.md), computed with scikit-learn and joblib, for the
tests of amber's runnable tutorials (tests/examples/*.rs, tests/tests/tutorials.rs).

Run by hand (never by CI):  venv/bin/python tools/sklearn_tutorials.py
Writes tests/fixtures/sklearn_tutorials.json.
"""
import io
import json
import pathlib

import joblib
import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

ROOT = pathlib.Path(__file__).resolve().parent.parent


def load(name):
    return pd.read_csv(ROOT / "datasets" / f"{name}.csv", keep_default_na=False, na_values=["", "NA", " "],
                       dtype={"customerid": str})


fx = {"generator": f"tools/sklearn_tutorials.py, scikit-learn {sklearn.__version__}, joblib {joblib.__version__}"}

iris = load("iris")
X, y = iris.drop(columns="species").to_numpy(float), iris["species"].to_numpy()
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=42)

# A.1-A.4: save-load.
lr = LogisticRegression(max_iter=200).fit(Xtr, ytr)
fx["save_load"] = {"train_accuracy": lr.score(Xtr, ytr), "test_accuracy": lr.score(Xte, yte),
                   "test_predictions": lr.predict(Xte).tolist()}

# A.5-A.6: scaler and pipeline; the silent error of forgetting the scaler.
scaler = StandardScaler().fit(Xtr)
scaled_lr = LogisticRegression().fit(scaler.transform(Xtr), ytr)
fx["scaler_and_pipeline"] = {"test_accuracy": scaled_lr.score(scaler.transform(Xte), yte),
                             "forgot_scaler_accuracy": scaled_lr.score(Xte, yte),
                             "forgot_scaler_predictions": scaled_lr.predict(Xte).tolist()}

# A.7: best of three, by test accuracy (first wins ties).
candidates = [("logistic_regression", LogisticRegression(max_iter=200)),
              ("random_forest_classifier", RandomForestClassifier(n_estimators=100, random_state=42)),
              ("svc", SVC(kernel="rbf"))]
scores = {name: m.fit(Xtr, ytr).score(Xte, yte) for name, m in candidates}
fx["best_of_three"] = {"test_accuracy": scores, "winner": max(scores, key=lambda k: (scores[k], -list(scores).index(k)))}

# B: a 100-tree forest on all of iris, with joblib at several compression levels.
rf = RandomForestClassifier(n_estimators=100, random_state=42).fit(X, y)
sizes = {}
for level in [0, 3, 9]:
    buf = io.BytesIO()
    joblib.dump(rf, buf, compress=level)
    sizes[str(level)] = len(buf.getvalue())
fx["compression"] = {"joblib_bytes": sizes, "n_nodes": int(sum(t.tree_.node_count for t in rf.estimators_))}

# C: the churn pipeline (LR), held-out metrics.
telco = load("telco_churn")
Xc, yc = telco.drop(columns=["churn", "customerid"]), telco["churn"]
num = [c for c in Xc.columns if pd.api.types.is_numeric_dtype(Xc[c])]
cat = [c for c in Xc.columns if c not in num]


def pre():
    return ColumnTransformer([
        ("numeric", Pipeline([("imputer", SimpleImputer(strategy="median")), ("scaler", StandardScaler())]), num),
        ("categorical", Pipeline([("imputer", SimpleImputer(strategy="most_frequent")),
                                  ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]), cat)])


Xctr, Xcte, yctr, ycte = train_test_split(Xc, yc, test_size=0.2, random_state=42)
churn = Pipeline([("pre", pre()), ("classifier", LogisticRegression(max_iter=1000))]).fit(Xctr, yctr)
p = churn.predict_proba(Xcte)[:, list(churn.classes_).index("Yes")]
fx["churn"] = {"test_accuracy": churn.score(Xcte, ycte), "test_f1_yes": f1_score(ycte, churn.predict(Xcte), pos_label="Yes"),
               "test_roc_auc": roc_auc_score(ycte == "Yes", p), "classes": list(churn.classes_)}

# D: the lab on penguins: one pipeline, a tree, max_depth tuned by 5-fold stratified CV.
peng = load("penguins")
Xp, yp = peng.drop(columns="species"), peng["species"]
num = [c for c in Xp.columns if pd.api.types.is_numeric_dtype(Xp[c])]
cat = [c for c in Xp.columns if c not in num]
Xptr, Xpte, yptr, ypte = train_test_split(Xp, yp, test_size=0.2, random_state=42)
grid = GridSearchCV(Pipeline([("pre", pre()), ("classifier", DecisionTreeClassifier(random_state=0))]),
                    {"classifier__max_depth": [1, 2, 3, 4, 5, None]}, cv=StratifiedKFold(5), scoring="accuracy")
grid.fit(Xptr, yptr)
fx["lab"] = {"cv_means": grid.cv_results_["mean_test_score"].tolist(),
             "best_max_depth": grid.best_params_["classifier__max_depth"],
             "test_accuracy": grid.score(Xpte, ypte)}

out = ROOT / "tests/fixtures/sklearn_tutorials.json"
out.write_text(json.dumps(fx, indent=1) + "\n")
print(json.dumps(fx, indent=1)[:3000])
