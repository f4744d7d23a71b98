"""Reference cross-validation scores from scikit-learn, one per fold and scoring, and a grid search
ranked by neg_log_loss.

Run by hand (never by CI):  venv/bin/python tools/sklearn_scorings.py
Writes crates/amber-model-selection/tests/fixtures/sklearn_scorings.json.

The estimator is a random forest, which amber grows exactly as scikit-learn does, and the folds are
StratifiedKFold(5, shuffle=True, random_state=1), which amber draws identically: so every fold's
predictions are the same on both sides, and the scores test the scorings themselves.
"""
import json
import pathlib

import pandas as pd
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/amber-model-selection/tests/fixtures/sklearn_scorings.json"

# amber's Scoring name -> scikit-learn's scoring string (amber's roc_auc is one-vs-rest macro
# beyond two classes, scikit-learn's "roc_auc_ovr").
SCORINGS = {"accuracy": "accuracy", "f1_macro": "f1_macro", "f1_weighted": "f1_weighted",
            "roc_auc": "roc_auc", "neg_log_loss": "neg_log_loss"}

fx = {"generator": f"tools/sklearn_scorings.py, scikit-learn {sklearn.__version__}",
      "cv": {"n_splits": 5, "shuffle": True, "random_state": 1},
      "forest": {"n_estimators": 10, "max_depth": 3, "random_state": 0},
      "cases": [], "grid": []}
for name, target in [("iris", "species"), ("breast_cancer", "diagnosis")]:
    df = pd.read_csv(ROOT / "datasets" / f"{name}.csv")
    X, y = df.drop(columns=target).to_numpy(float), df[target].to_numpy()
    cv = StratifiedKFold(5, shuffle=True, random_state=1)
    scores = {}
    for ours, theirs in SCORINGS.items():
        if theirs == "roc_auc" and len(set(y)) > 2:
            theirs = "roc_auc_ovr"
        model = RandomForestClassifier(n_estimators=10, max_depth=3, random_state=0)
        scores[ours] = cross_val_score(model, X, y, cv=cv, scoring=theirs).tolist()
    fx["cases"].append({"dataset": name, "target": target, "scores": scores})
    grid = GridSearchCV(RandomForestClassifier(n_estimators=10, random_state=0), {"max_depth": [1, 2, 3, 5, None]},
                        scoring="neg_log_loss", cv=cv).fit(X, y)
    fx["grid"].append({"dataset": name, "target": target, "max_depth": [1, 2, 3, 5, None],
                       "mean_test_score": grid.cv_results_["mean_test_score"].tolist(),
                       "best_index": int(grid.best_index_)})

OUT.write_text(json.dumps(fx, indent=1) + "\n")
print(f"wrote {OUT}")
