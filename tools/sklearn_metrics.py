"""Reference classification metrics from scikit-learn, and the grid search of issue 6.

Run by hand (never by CI):  venv/bin/python tools/sklearn_metrics.py
Writes crates/amber-model-selection/tests/fixtures/sklearn_metrics.json.
"""
import json
import pathlib
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn import metrics
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.tree import DecisionTreeClassifier

warnings.filterwarnings("ignore")
ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/amber-model-selection/tests/fixtures/sklearn_metrics.json"
rng = np.random.RandomState(0)


def case(name, y_true, y_pred, proba, k):
    labels = list(range(k))
    c = {"name": name, "n_classes": k, "y_true": y_true.tolist(), "y_pred": y_pred.tolist(),
         "proba": proba.tolist(),
         "accuracy": metrics.accuracy_score(y_true, y_pred),
         "confusion_matrix": metrics.confusion_matrix(y_true, y_pred, labels=labels).tolist(),
         "log_loss": metrics.log_loss(y_true, proba, labels=labels)}
    for avg in ["macro", "weighted"] + (["binary"] if k == 2 else []):
        for m in ["precision", "recall", "f1"]:
            c[f"{m}_{avg}"] = getattr(metrics, f"{m}_score")(y_true, y_pred, average=avg, labels=labels, zero_division=0)
    if len(set(y_true.tolist())) == k:
        c["roc_auc"] = (metrics.roc_auc_score(y_true, proba[:, 1]) if k == 2
                        else metrics.roc_auc_score(y_true, proba, multi_class="ovr", average="macro"))
    return c


cases = []
for name, n, k, noise in [("binary", 200, 2, 0.3), ("three", 300, 3, 0.4), ("five", 500, 5, 0.5), ("tiny", 12, 2, 0.5)]:
    y_true = rng.randint(0, k, n)
    logits = rng.normal(0, 1, (n, k)) + np.eye(k)[y_true] * (1 - noise) * 3
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    # Scores with ties, as trees produce: round to 1 decimal and renormalize.
    if name == "tiny":
        proba = np.round(proba, 1); proba[:, 1] = 1 - proba[:, 0]
    y_pred = proba.argmax(axis=1)
    cases.append(case(name, y_true, y_pred, proba, k))
# A class never predicted and a class absent from y_true (precision / recall 0 by the documented rule).
y_true = np.array([0, 0, 1, 1, 2, 2, 0, 1]); y_pred = np.array([0, 1, 1, 0, 1, 1, 0, 1])
proba = np.eye(3)[y_pred] * 0.8 + 0.2 / 3
cases.append(case("never_predicted", y_true, y_pred, proba, 3))
y_true = np.array([0, 0, 1, 1, 0, 1]); y_pred = np.array([0, 2, 1, 1, 2, 1])
proba = np.eye(3)[y_pred] * 0.7 + 0.1
cases.append(case("absent_from_truth", y_true, y_pred, proba, 3))

# GridSearchCV over max_depth on breast_cancer, KFold(5) without shuffle.
df = pd.read_csv(ROOT / "datasets/breast_cancer.csv")
X, y = df.drop(columns="diagnosis").to_numpy(float), df["diagnosis"].to_numpy()
grid = GridSearchCV(DecisionTreeClassifier(random_state=0), {"max_depth": [1, 2, 3, 4, 5, 6, 8, None]},
                    cv=KFold(5), scoring="accuracy").fit(X, y)
search = {"params": [p["max_depth"] for p in grid.cv_results_["params"]],
          "mean_test_score": grid.cv_results_["mean_test_score"].tolist(),
          "std_test_score": grid.cv_results_["std_test_score"].tolist(),
          "fold_scores": [grid.cv_results_[f"split{i}_test_score"].tolist() for i in range(5)],
          "best_max_depth": grid.best_params_["max_depth"], "best_score": grid.best_score_}

OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps({"generator": f"tools/sklearn_metrics.py, scikit-learn {sklearn.__version__}",
                           "cases": cases, "grid_search": search}, separators=(",", ":")) + "\n")
print(f"wrote {OUT}")
print(search["params"], [round(s, 4) for s in search["mean_test_score"]], search["best_max_depth"])
