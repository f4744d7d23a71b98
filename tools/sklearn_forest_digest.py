"""A 100-tree gini forest at 80,000 rows, as a SHA-256 digest per tree, for the exactness test of
forests at scale (crates/amber-estimators/tests/exact_trees.rs).

Run by hand (never by CI):  venv/bin/python tools/sklearn_forest_digest.py
Writes crates/amber-estimators/tests/fixtures/sklearn_forest_digest.json.

Data both sides generate from numpy's RandomState(7): X = random_sample((80000, 10)) (row by
row), then noise = random_sample(80000); s = X0 + 0.5·X1 − 0.8·X2 + 0.6·noise, evaluated left to
right; y = (s > 0.4) + (s > 0.9), three classes. The forest: RandomForestClassifier(n_estimators=100,
random_state=0), scikit-learn's defaults otherwise (sqrt features, bootstrap).

Each tree's digest is the SHA-256 of its nodes in preorder (left child first), one line each:
"S <feature> <threshold as the u64 of its IEEE bits>" for a split, "L <p0> <p1> <p2>" (u64 bits of
each class probability) for a leaf, lines joined with "\n".
"""
import hashlib
import json
import pathlib

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/amber-estimators/tests/fixtures/sklearn_forest_digest.json"
N, P, SEED = 80_000, 10, 7


def bits(v):
    return str(int(np.float64(v).view(np.uint64)))


def digest(tree):
    t = tree.tree_
    lines = []

    def walk(node):
        if t.children_left[node] == -1:
            lines.append("L " + " ".join(bits(p) for p in t.value[node][0]))
        else:
            lines.append(f"S {t.feature[node]} {bits(t.threshold[node])}")
            walk(t.children_left[node])
            walk(t.children_right[node])

    walk(0)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest(), t.node_count


rs = np.random.RandomState(SEED)
X = rs.random_sample((N, P))
noise = rs.random_sample(N)
s = X[:, 0] + 0.5 * X[:, 1] - 0.8 * X[:, 2] + 0.6 * noise
y = (s > 0.4).astype(int) + (s > 0.9).astype(int)
forest = RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=-1).fit(X, y)
digests, nodes = zip(*(digest(t) for t in forest.estimators_))
fx = {"generator": f"tools/sklearn_forest_digest.py, scikit-learn {sklearn.__version__}",
      "n_rows": N, "n_features": P, "data_seed": SEED, "class_counts": np.bincount(y).tolist(),
      "n_estimators": 100, "random_state": 0, "n_nodes": list(map(int, nodes)), "digests": list(digests)}
OUT.write_text(json.dumps(fx, indent=1) + "\n")
print(f"wrote {OUT}: {sum(nodes)} nodes, classes {np.bincount(y)}")
