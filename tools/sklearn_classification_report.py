"""scikit-learn's classification_report text, for amber's ClassificationReport Display.

Run by hand (never by CI):  venv/bin/python tools/sklearn_classification_report.py
Writes crates/amber-model-selection/tests/fixtures/sklearn_classification_report.json.
"""
import json
import pathlib
import warnings

import numpy as np
import sklearn
from sklearn.metrics import classification_report

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/amber-model-selection/tests/fixtures/sklearn_classification_report.json"

rs = np.random.RandomState(0)
cases = [
    ([0, 1, 1], [0, 1, 0], ["No", "Yes"]),
    # Three classes with long names, 200 rows, 70 % right.
    (list(rs.randint(0, 3, 200)), None, ["setosa", "versicolor", "virginica-long-name"]),
    # A class never predicted (its precision 0/0 is 0, scikit-learn's zero_division).
    ([0, 0, 1, 1, 2], [0, 0, 0, 1, 0], ["a", "b", "c"]),
]
out = []
for y_true, y_pred, names in cases:
    if y_pred is None:
        y_pred = [t if rs.random_sample() < 0.7 else int(rs.randint(0, 3)) for t in y_true]
    y_true, y_pred = [int(v) for v in y_true], [int(v) for v in y_pred]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = classification_report(y_true, y_pred, labels=list(range(len(names))), target_names=names)
    out.append({"y_true": y_true, "y_pred": y_pred, "labels": names, "text": text})
OUT.write_text(json.dumps({"generator": f"tools/sklearn_classification_report.py, scikit-learn {sklearn.__version__}",
                           "cases": out}, indent=1) + "\n")
print(out[2]["text"])
