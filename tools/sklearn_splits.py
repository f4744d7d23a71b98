"""Reference train/test splits and K-fold splits from scikit-learn.

Run by hand (never by CI):  venv/bin/python tools/sklearn_splits.py
Writes crates/amber-model-selection/tests/fixtures/splits.json.
"""
import json
import pathlib

import numpy as np
import sklearn
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/amber-model-selection/tests/fixtures/splits.json"


def labels(dataset, column):
    import csv

    with open(ROOT / "datasets" / f"{dataset}.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    y = [r[column] for r in rows]
    classes = sorted(set(y))
    return [classes.index(v) for v in y]


def tts(n, test_size, seed):
    train, test = train_test_split(np.arange(n), test_size=test_size, random_state=seed)
    return {"n": n, "test_size": test_size, "seed": seed,
            "train": train.tolist(), "test": test.tolist()}


def folds(splitter, n, y=None):
    X = np.zeros((n, 1))
    return [{"train": tr.tolist(), "test": te.tolist()} for tr, te in splitter.split(X, y)]


def kfold(n, k, shuffle, seed):
    cv = KFold(n_splits=k, shuffle=shuffle, random_state=seed if shuffle else None)
    return {"n": n, "k": k, "shuffle": shuffle, "seed": seed, "folds": folds(cv, n)}


def skfold(name, y, k, shuffle, seed):
    cv = StratifiedKFold(n_splits=k, shuffle=shuffle, random_state=seed if shuffle else None)
    return {"name": name, "y": y, "k": k, "shuffle": shuffle, "seed": seed,
            "folds": folds(cv, len(y), np.array(y))}


iris = labels("iris", "species")
cancer = labels("breast_cancer", "diagnosis")
penguins = labels("penguins", "species")
# An unsorted label order whose first-appearance order differs from sorted order.
mixed = [2, 2, 0, 1, 2, 0, 1, 1, 2, 0, 2, 2, 1, 0, 2, 2, 1, 0]

fixture = {
    "generator": f"tools/sklearn_splits.py, scikit-learn {sklearn.__version__}, numpy {np.__version__}",
    "train_test_split": [
        tts(150, 0.2, 42),
        tts(569, 0.25, 0),
        tts(7043, 0.2, 7),
        tts(344, 0.3, 1),
        tts(10, 0.5, 2**32 - 1),
        tts(1000, 0.33, 123456789),
        tts(3, 0.34, 5),
    ],
    "kfold": [
        kfold(150, 5, True, 0),
        kfold(569, 5, True, 0),
        kfold(569, 5, False, 0),
        kfold(10, 3, False, 0),
        kfold(101, 7, True, 42),
        kfold(2, 2, True, 3),
    ],
    "stratified_kfold": [
        skfold("iris", iris, 5, True, 0),
        skfold("iris", iris, 5, False, 0),
        skfold("breast_cancer", cancer, 5, True, 42),
        skfold("breast_cancer", cancer, 5, False, 0),
        skfold("penguins", penguins, 3, True, 7),
        skfold("mixed", mixed, 3, True, 1),
        skfold("mixed", mixed, 4, False, 0),
    ],
}
OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
print(f"wrote {OUT}")
