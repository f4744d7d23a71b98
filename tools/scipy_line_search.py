"""SciPy's port of MINPACK-2's Moré–Thuente line search (`scipy.optimize._dcsrch.DCSRCH`, the
search L-BFGS-B runs) on the six test functions of Moré & Thuente (plus a line and a parabola), "Line search algorithms with
guaranteed sufficient decrease" (ACM TOMS 20, 1994), from the four initial steps of that paper,
with L-BFGS-B's constants (ftol 1e-3, gtol 0.9, xtol 0.1, stpmin 0, stpmax 1e10). Each case
records every step the search evaluated with the value and slope there, and how it ended, for the
unit test of amber's port (crates/amber-estimators/src/linear/lbfgs.rs), which replays the values.

Run by hand (never by CI):  venv/bin/python tools/scipy_line_search.py
Writes crates/amber-estimators/tests/fixtures/scipy_line_search.json.
"""
import json
import math
import pathlib

import scipy
from scipy.optimize._dcsrch import DCSRCH

ROOT = pathlib.Path(__file__).resolve().parent.parent


def f1(b=2.0):
    return lambda a: -a / (a * a + b), lambda a: (a * a - b) / (a * a + b) ** 2


def f2(b=0.004):
    return lambda a: (a + b) ** 5 - 2 * (a + b) ** 4, lambda a: (a + b) ** 3 * (5 * (a + b) - 8)


def f3(b=0.01, l=39):
    def phi0(a):
        if a <= 1 - b:
            return 1 - a, -1.0
        if a >= 1 + b:
            return a - 1, 1.0
        return (a - 1) ** 2 / (2 * b) + b / 2, (a - 1) / b

    c = 2 * (1 - b) / (l * math.pi)
    w = l * math.pi / 2
    return (lambda a: phi0(a)[0] + c * math.sin(w * a), lambda a: phi0(a)[1] + c * w * math.cos(w * a))


def f456(b1, b2):
    def gamma(b):
        return math.sqrt(1 + b * b) - b

    g1, g2 = gamma(b1), gamma(b2)
    return (
        lambda a: g1 * math.sqrt((1 - a) ** 2 + b2 * b2) + g2 * math.sqrt(a * a + b1 * b1),
        lambda a: g1 * (a - 1) / math.sqrt((1 - a) ** 2 + b2 * b2) + g2 * a / math.sqrt(a * a + b1 * b1),
    )


FUNCTIONS = {
    "more_thuente_1": f1(),
    "more_thuente_2": f2(),
    "more_thuente_3": f3(),
    "more_thuente_4": f456(0.001, 0.001),
    "more_thuente_5": f456(0.01, 0.001),
    "more_thuente_6": f456(0.001, 0.01),
    # Never curving up: the search extrapolates to stpmax.
    "linear": (lambda a: -a, lambda a: -1.0),
    # Overshot from the larger initial steps: the value rises, and the search brackets at once.
    "quadratic": (lambda a: (a - 1) ** 2, lambda a: 2 * (a - 1)),
}

cases = []
for name, (phi, dphi) in FUNCTIONS.items():
    for stp0 in [1e-3, 1e-1, 1e1, 1e3]:
        trace = []

        def logged_phi(a, phi=phi, trace=trace):
            f = phi(a)
            if a != 0.0:
                trace.append([a, f, dphi(a)])
            return f

        search = DCSRCH(logged_phi, dphi, ftol=1e-3, gtol=0.9, xtol=0.1, stpmin=0.0, stpmax=1e10)
        stp, _, _, task = search(stp0, phi0=phi(0.0), derphi0=dphi(0.0), maxiter=100)
        # The search ends at the step it evaluated last. On a warning SciPy's wrapper returns
        # None, but L-BFGS-B's `lnsrlb` takes that step, as amber does.
        assert stp == trace[-1][0] or task.startswith(b"WARN"), (name, stp0, task)
        stp = trace[-1][0]
        cases.append({
            "function": name,
            "stp0": stp0,
            "f0": phi(0.0),
            "g0": dphi(0.0),
            "trace": trace,
            "stp": stp,
            "task": task.decode(),
        })
out = ROOT / "crates/amber-estimators/tests/fixtures/scipy_line_search.json"
out.write_text(json.dumps({"generator": f"tools/scipy_line_search.py, SciPy {scipy.__version__}",
                           "cases": cases}, indent=None) + "\n")
print(out, len(cases), [len(c["trace"]) for c in cases], sorted({c["task"] for c in cases}))
