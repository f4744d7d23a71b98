"""SciPy's L-BFGS-B (`scipy.optimize.minimize(method="L-BFGS-B")`, no bounds, as scikit-learn's
`lbfgs` solver calls it) on small functions where its stopping rules decide the result: the
relative-reduction test on a function far from 0, the iteration limit, and a gradient so small
that `gᵀd` rounds to zero (L-BFGS-B refuses such a direction). For the unit test of amber's port
(crates/amber-estimators/src/linear/lbfgs.rs), which computes the same functions the same way.

Run by hand (never by CI):  venv/bin/python tools/scipy_lbfgs.py
Writes crates/amber-estimators/tests/fixtures/scipy_lbfgs.json.
"""
import json
import pathlib

import numpy as np
import scipy
from scipy.optimize import minimize

ROOT = pathlib.Path(__file__).resolve().parent.parent


def shifted_quadratic(x):
    """1e6 + Σ (i + 1)(xᵢ − 1)²: the relative-reduction test scales with |f| ≈ 1e6."""
    f, g = 1e6, np.zeros(len(x))
    for i, v in enumerate(x):
        f += (i + 1) * (v - 1) * (v - 1)
        g[i] = 2 * (i + 1) * (v - 1)
    return f, g


def rosenbrock(x):
    """Σ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²."""
    f, g = 0.0, np.zeros(len(x))
    for i in range(len(x) - 1):
        a, b = x[i + 1] - x[i] * x[i], 1 - x[i]
        f += 100 * a * a + b * b
        g[i] += -400 * x[i] * a - 2 * b
        g[i + 1] += 200 * a
    return f, g


def half_square(x):
    """½ Σ xᵢ²."""
    return 0.5 * sum(v * v for v in x), np.array(x, dtype=float)


FUNCTIONS = {"shifted_quadratic": shifted_quadratic, "rosenbrock": rosenbrock, "half_square": half_square}
CASES = [
    ("shifted_quadratic", [0.0] * 5, dict(gtol=1e-12, ftol=1e-8, maxiter=100)),
    ("shifted_quadratic", [0.0] * 5, dict(gtol=1e-12, ftol=1e-10, maxiter=100)),
    ("shifted_quadratic", [0.0] * 5, dict(gtol=1e-12, ftol=1e-12, maxiter=100)),
    ("rosenbrock", [-1.2, 1.0], dict(gtol=1e-5, ftol=64 * np.finfo(float).eps, maxiter=100)),
    ("rosenbrock", [-1.2, 1.0, -1.2, 1.0], dict(gtol=1e-8, ftol=64 * np.finfo(float).eps, maxiter=10)),
    # gᵀd = −1e-340 rounds to (negative) zero: not a descent direction.
    ("half_square", [1e-170], dict(gtol=0.0, ftol=0.0, maxiter=100)),
]

cases = []
for name, x0, opts in CASES:
    r = minimize(FUNCTIONS[name], np.array(x0), jac=True, method="L-BFGS-B",
                 options=dict(opts, maxcor=10, maxls=20))
    message = str(r.message)
    stop = ("converged" if message.startswith("CONVERGENCE") else
            "max_iter" if "ITERATIONS REACHED LIMIT" in message else
            "line_search_failed" if message.startswith("ABNORMAL") else message)
    cases.append({"function": name, "x0": x0, **opts, "n_iter": int(r.nit), "stop": stop, "x": r.x.tolist()})
out = ROOT / "crates/amber-estimators/tests/fixtures/scipy_lbfgs.json"
out.write_text(json.dumps({"generator": f"tools/scipy_lbfgs.py, SciPy {scipy.__version__}", "cases": cases},
                          indent=1) + "\n")
for c in cases:
    print(c["function"], c["ftol"], c["n_iter"], c["stop"], c["x"])
