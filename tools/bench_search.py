"""scikit-learn side of `cargo xtask bench search` (run by it when Python is present).

usage: bench_search.py SYNTHETIC.csv BREAST_CANCER.csv  -> prints one JSON object
GridSearchCV over DecisionTree max_depth on breast_cancer (KFold(5)), and a 3 x 5 RandomForest grid
on the synthetic rows (StratifiedKFold(5)), each with n_jobs=1 and n_jobs=2; wall-clock seconds.
"""
import json
import sys
import time

import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold
from sklearn.tree import DecisionTreeClassifier

synthetic, cancer = pd.read_csv(sys.argv[1]), pd.read_csv(sys.argv[2])
out = {}
cases = {
    "tree_grid": (DecisionTreeClassifier(random_state=0), {"max_depth": [1, 2, 3, 4, 5, 6, 8, None]}, KFold(5),
                  cancer.drop(columns="diagnosis").to_numpy(float), cancer["diagnosis"].to_numpy()),
    "forest_grid": (RandomForestClassifier(random_state=0), {"n_estimators": [10, 30, 100], "max_depth": [2, 4, 6, 8, None]},
                    StratifiedKFold(5), synthetic.drop(columns="label").to_numpy(float), synthetic["label"].to_numpy()),
}
for name, (est, grid, cv, X, y) in cases.items():
    for jobs in (1, 2):
        t = time.perf_counter()
        g = GridSearchCV(est, grid, cv=cv, n_jobs=jobs).fit(X, y)
        out[f"{name}_jobs{jobs}"] = {"seconds": time.perf_counter() - t, "best": str(g.best_params_), "score": g.best_score_}
print(json.dumps(out))
