"""scikit-learn + joblib side of `cargo xtask bench persistence` (run by it when Python is present).

usage: bench_persistence.py DATA.csv REPEAT  -> prints one JSON object
RandomForestClassifier(n_estimators=100, random_state=0) on the same rows amber uses; joblib.dump
with compress=0 and compress=3; median save and load times; tracemalloc peak during load.
"""
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc

import joblib
import pandas as pd
import sklearn
from sklearn.ensemble import RandomForestClassifier

path, repeat = sys.argv[1], int(sys.argv[2])
df = pd.read_csv(path)
X, y = df.drop(columns="label").to_numpy(float), df["label"].to_numpy()
t = time.perf_counter()
model = RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1).fit(X, y)
fit_s = time.perf_counter() - t
out = {"sklearn": sklearn.__version__, "joblib": joblib.__version__, "fit_s": fit_s}
with tempfile.TemporaryDirectory() as d:
    for level in (0, 3):
        f = os.path.join(d, f"rf{level}.joblib")
        saves, loads = [], []
        for _ in range(repeat):
            t = time.perf_counter(); joblib.dump(model, f, compress=level); saves.append(time.perf_counter() - t)
            t = time.perf_counter(); joblib.load(f); loads.append(time.perf_counter() - t)
        tracemalloc.start(); joblib.load(f); _, peak = tracemalloc.get_traced_memory(); tracemalloc.stop()
        out[f"compress{level}"] = {"bytes": os.path.getsize(f), "save_s": statistics.median(saves),
                                   "load_s": statistics.median(loads), "load_peak_bytes": peak}
print(json.dumps(out))
