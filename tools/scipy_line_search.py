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
import collections
import math
import random
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



def random_functions(count, seed=0):
    """Functions of the shapes L-BFGS meets along a line, at scales from 1e-3 to 1e10 (so that
    brackets wide enough for the bisection safeguard occur), some on a large constant (so that
    rounding stops the search)."""
    rng = random.Random(seed)
    for k in range(count):
        scale = 10 ** rng.uniform(-3, 10)
        shift = rng.choice([0.0, 0.0, 1e12, 1e15])
        kind = k % 5
        if kind == 0:  # a quartic, bounded below, falling at 0
            a = [-rng.uniform(0.1, 10), rng.uniform(-5, 5), rng.uniform(-5, 5), rng.uniform(0.01, 5)]
            phi = lambda t, a=a, s=scale, c=shift: c + sum(a[i] * (t / s) ** (i + 1) for i in range(4))
            dphi = lambda t, a=a, s=scale: sum((i + 1) * a[i] * (t / s) ** i for i in range(4)) / s
        elif kind == 1:  # logistic losses along a line, with an L2 term
            n = rng.randint(1, 6)
            m = [rng.uniform(-3, 3) for _ in range(n)]
            d = [rng.uniform(0.2, 5) for _ in range(n)]
            lam = rng.choice([0.0, rng.uniform(0.001, 1)])
            phi = lambda t, m=m, d=d, lam=lam, s=scale, c=shift: c + sum(
                math.log1p(math.exp(-(mi + di * t / s))) for mi, di in zip(m, d)) + lam * (t / s) ** 2
            dphi = lambda t, m=m, d=d, lam=lam, s=scale: (sum(
                -di / (1 + math.exp(mi + di * t / s)) for mi, di in zip(m, d)) + 2 * lam * t / s) / s
        elif kind == 2:  # a bump: falls, then rises slowly and flattens
            w = rng.uniform(0.5, 3)
            phi = lambda t, w=w, s=scale, c=shift: c - (t / s) * math.exp(-((t / s) / w) ** 2)
            dphi = lambda t, w=w, s=scale: -(1 - 2 * ((t / s) / w) ** 2) * math.exp(-((t / s) / w) ** 2) / s
        elif kind == 4:  # a parabola whose values and slopes carry independent noise (as rounding
            # makes them disagree), so that the search meets steps its safeguards must catch
            noise = 10 ** rng.uniform(-3, 0)

            # The noise is keyed by the step's repr as DCSRCH passes it (a NumPy or a Python
            # float), so another NumPy may draw other noise; the test replays what was recorded.
            def jitter(t, salt, noise=noise, seed=k):
                return noise * (random.Random(f"{seed}/{salt}/{t!r}").random() - 0.5)

            phi = lambda t, s=scale, c=shift: c + (t / s - 1) ** 2 + jitter(t, "f")
            dphi = lambda t, s=scale: (2 * (t / s - 1) + (jitter(t, "g") if t else 0.0)) / s
        else:  # Moré and Thuente's fourth to sixth functions with other betas
            b1, b2 = 10 ** rng.uniform(-4, -1), 10 ** rng.uniform(-4, -1)
            p, dp = f456(b1, b2)
            phi = lambda t, p=p, s=scale, c=shift: c + p(t / s)
            dphi = lambda t, dp=dp, s=scale: dp(t / s) / s
        stp0 = min(scale * 10 ** rng.uniform(-4, 2), 1e10)  # L-BFGS-B starts at most at stpmax
        yield f"random_{k}", (phi, dphi), [stp0]


def inconsistent_functions(count, seed=1):
    """Values and slopes from two unrelated cubics (slope -1 at 0): what an objective whose
    gradient disagrees with its values gives. The search then brackets, leaves its first stage
    late, stops at stpmax, narrows to its xtol, or runs out of evaluations."""
    rng = random.Random(seed)
    for k in range(count):
        fc = [rng.uniform(-2, 2) for _ in range(3)]
        gc = [rng.uniform(-2, 2) for _ in range(3)]
        phi = lambda t, c=fc: c[0] * t + c[1] * t * t + c[2] * t ** 3
        dphi = lambda t, c=gc: c[0] + c[1] * t + c[2] * t * t if t else -1.0
        yield f"inconsistent_{k}", (phi, dphi), [10 ** rng.uniform(-2, 1)]


def record(name, phi, dphi, stp0, search_class=DCSRCH):
    """One search from `stp0`: every step it evaluated with the value and slope there."""
    trace = []

    def logged_phi(a):
        f = phi(a)
        trace.append([a, f, dphi(a)])  # the search's own steps (f(0) and f'(0) are given)
        return f

    search = search_class(logged_phi, dphi, ftol=1e-3, gtol=0.9, xtol=0.1, stpmin=0.0, stpmax=1e10)
    # L-BFGS-B's line search fails when the search still asks for a step after 20
    # evaluations (`maxls`); running to 21 records that request ("ended": false).
    stp, _, _, task = search(stp0, phi0=phi(0.0), derphi0=dphi(0.0), maxiter=21)
    ended = len(trace) <= 20
    # The search ends at the step it evaluated last. On a warning SciPy's wrapper returns
    # None, but L-BFGS-B's `lnsrlb` takes that step, as amber does.
    assert not ended or stp == trace[-1][0] or task.startswith(b"WARN"), (name, stp0, task)
    if not ended:
        task = b"20 evaluations"
    return {
        "function": name,
        "stp0": stp0,
        "f0": phi(0.0),
        "g0": dphi(0.0),
        "trace": trace,
        "task": task.decode(),
        "ended": ended,
    }


# The first step lands exactly on the sufficient-decrease line with the slope still steep (not
# converged, still in the first stage), and the values beyond lie just below it: the search must
# go on with its modified function there (a first stage left at a falling slope would not).
BARELY_SUFFICIENT = (lambda a: -1e-3 * min(a, 1.0) - (1e-4 if a > 1 else 0.0), lambda a: -0.95 if a else -1.0)


def candidates():
    named = [(name, fs, [1e-3, 1e-1, 1e1, 1e3]) for name, fs in FUNCTIONS.items()]
    named.append(("barely_sufficient", BARELY_SUFFICIENT, [1.0]))
    # From larger draws, the searches that reach rarer branches (found by running variants of
    # DCSRCH with one branch changed and keeping the searches whose steps then change): a lower
    # bound on an extrapolated step that binds, and an extrapolation where the nearer of the
    # cubic and secant steps is the one kept.
    rare = [f for f in inconsistent_functions(1000, 32) if f[0] in {"inconsistent_149", "inconsistent_717"}]
    rare += [f for f in inconsistent_functions(300, 42) if f[0] == "inconsistent_283"]
    rare = [(f"{name}_of_a_larger_draw", fs, starts) for name, fs, starts in rare]
    return named + list(random_functions(500)) + list(inconsistent_functions(150)) + rare


if __name__ == "__main__":
    cases = []
    for name, (phi, dphi), starts in candidates():
        if dphi(0.0) < 0:
            cases += [record(name, phi, dphi, stp0) for stp0 in starts]
    out = ROOT / "crates/amber-estimators/tests/fixtures/scipy_line_search.json"
    out.write_text(json.dumps({"generator": f"tools/scipy_line_search.py, SciPy {scipy.__version__}",
                               "cases": cases}) + "\n")
    print(out, len(cases), sum(len(c["trace"]) for c in cases), collections.Counter(c["task"] for c in cases))
