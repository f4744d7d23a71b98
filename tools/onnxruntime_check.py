"""Runs amber's exported ONNX models in onnxruntime and compares with amber's answers.

Development-time check (CI checks every graph in tract, see crates/amber-onnx/tests):

    cargo run -p amber-onnx --example onnxruntime_cases -- /tmp/onnx-cases
    python tools/onnxruntime_check.py /tmp/onnx-cases     # needs: pip install onnxruntime numpy

Prints, per model, the labels that differ and the largest probability difference; exits 1 if any
label differs or a probability differs by more than 1e-5.
"""
import glob
import json
import os
import sys

import numpy as np
import onnxruntime as ort

failed = False
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.onnx"))):
    case = json.load(open(path[:-5] + ".json"))
    session = ort.InferenceSession(path)
    feeds = {}
    names = [i.name for i in session.get_inputs()]
    if "float_input" in names:
        feeds["float_input"] = np.array(case["numeric"], dtype=np.float32)
    for column, cells in case["categorical"].items():
        feeds[column] = np.array(cells, dtype=object).reshape(-1, 1)
    label, proba = session.run(None, feeds)
    differing = sum(a != b for a, b in zip(label.tolist(), case["labels"]))
    worst = float(np.max(np.abs(np.asarray(proba, dtype=np.float64) - np.array(case["proba"]))))
    print(f"{os.path.basename(path):32} labels differing: {differing:3}  max |Δp|: {worst:.2e}")
    failed |= differing > 0 or worst > 1e-5
sys.exit(1 if failed else 0)
