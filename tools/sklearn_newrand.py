"""scikit-learn's libsvm generator: `bounded_rand_int` (Lemire's method with its rejection step) on
`std::mt19937`, through sklearn.svm._newrand, for the unit test of amber's port
(crates/amber-estimators/src/svm/platt.rs). Ranges near 2^32 make the rejection step frequent.

Run by hand (never by CI):  venv/bin/python tools/sklearn_newrand.py
Writes crates/amber-estimators/tests/fixtures/sklearn_newrand.json.
"""
import json
import pathlib

import sklearn
from sklearn.svm import _newrand

ROOT = pathlib.Path(__file__).resolve().parent.parent
RANGES = [1, 2, 3, 7, 100, 569, 1_000_000_000, 1_431_655_765, 2**31 - 1, 2**31, 2**31 + 1, 3 * 2**30, 4_000_000_000, 2**32 - 1]

cases = []
for seed in [0, 1, 42, 2**31 - 2]:
    _newrand.set_seed_wrap(seed)
    # Each range four times, in turn, from one stream.
    ranges = RANGES * 4
    cases.append({"seed": seed, "ranges": ranges, "draws": [_newrand.bounded_rand_int_wrap(r) for r in ranges]})
out = ROOT / "crates/amber-estimators/tests/fixtures/sklearn_newrand.json"
out.write_text(json.dumps({"generator": f"tools/sklearn_newrand.py, scikit-learn {sklearn.__version__}",
                           "cases": cases}) + "\n")
print(out)
