"""Reference values of the drift statistics (amber_model_selection::drift::stats), from SciPy
and from Evidently's numpy formulas (PSI, the z-test, binning): writes
crates/amber-model-selection/tests/fixtures/scipy_drift.json.

    python tools/scipy_drift.py            # needs numpy and scipy

Two kinds of cases:
- "samples": random and hand-made samples (ties, equal sizes, unequal sizes up to 10,000);
- "telco": the reference amber stores for the telco churn pipeline and new rows, as written by
  `cargo run -p amber-model-selection --example drift_inputs > /tmp/drift_inputs.json`
  (read when that file exists; pass its path as the first argument).
"""
import json
import math
import sys
from pathlib import Path

import numpy as np
from scipy import stats
from scipy.spatial import distance

OUT = Path(__file__).resolve().parent.parent / "crates/amber-model-selection/tests/fixtures/scipy_drift.json"


def floor_shares(counts):
    counts = np.asarray(counts, dtype=float)
    shares = counts / counts.sum()
    np.place(shares, shares == 0, 0.0001)
    return shares


def psi(ref_counts, cur_counts):
    r, c = floor_shares(ref_counts), floor_shares(cur_counts)
    return float(np.sum((r - c) * np.log(r / c)))


def z_test(ref_counts, cur_counts):
    # Evidently's proportions_diff_z_stat_ind and proportions_diff_z_test, on counts of two values.
    n1, n2 = sum(ref_counts), sum(cur_counts)
    p1, p2 = ref_counts[1] / n1, cur_counts[1] / n2
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2))
    return float(2 * (1 - stats.norm.cdf(abs(z))))


def chi_square(ref_counts, cur_counts):
    k = sum(cur_counts) / sum(ref_counts)
    expected = [r * k for r in ref_counts]
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(stats.chisquare(cur_counts, expected)[1])


def histograms(a, b, bins=30):
    edges = np.histogram_bin_edges(np.concatenate([a, b]), bins=bins)
    return np.histogram(a, edges)[0].tolist(), np.histogram(b, edges)[0].tolist()


def numeric_case(name, a, b):
    # Three decimals: short JSON, and both sides read the same doubles.
    a, b = np.round(np.asarray(a, float), 3), np.round(np.asarray(b, float), 3)
    ks = stats.ks_2samp(a, b, method="exact")
    ha, hb = histograms(a, b)
    return {
        "name": name,
        "a": a.tolist(),
        "b": b.tolist(),
        "ks_statistic": float(ks.statistic),
        "ks_pvalue": float(ks.pvalue),
        "wasserstein": float(stats.wasserstein_distance(a, b)),
        "std_a": float(np.std(a)),
        "histogram_a": ha,
        "histogram_b": hb,
        "psi_histogram": psi(ha, hb),
    }


def counts_case(name, r, c):
    case = {
        "name": name,
        "reference": r,
        "current": c,
        "chi_square_pvalue": chi_square(r, c),
        "jensen_shannon": float(distance.jensenshannon(floor_shares(r), floor_shares(c))),
        "psi": psi(r, c),
    }
    if len(r) == 2:
        case["z_test_pvalue"] = z_test(r, c)
    return case


def samples():
    rng = np.random.default_rng(20261202)
    numeric = [
        numeric_case("equal sizes, shifted", rng.normal(0, 1, 300), rng.normal(0.3, 1, 300)),
        numeric_case("equal sizes, same", rng.normal(0, 1, 500), rng.normal(0, 1, 500)),
        numeric_case("unequal sizes", rng.normal(0, 1, 700), rng.normal(0.1, 1.2, 1900)),
        numeric_case("ties", rng.integers(0, 12, 400).astype(float), rng.integers(1, 13, 650).astype(float)),
        numeric_case("large current", rng.normal(50, 10, 1000), rng.normal(51, 10, 10000)),
        numeric_case("tiny", [1.0, 2.0, 3.0], [4.0, 5.0, 6.0]),
        numeric_case("coprime sizes", rng.exponential(1, 97), rng.exponential(1.3, 89)),
    ]
    counts = [
        counts_case("three categories", [500, 300, 200], [450, 380, 170]),
        counts_case("a new category", [500, 300, 0], [450, 380, 20]),
        counts_case("binary", [700, 300], [640, 360]),
        counts_case("binary, same shares", [70, 30], [700, 300]),
        counts_case("many", [int(x) for x in rng.integers(1, 100, 12)], [int(x) for x in rng.integers(1, 100, 12)]),
    ]
    return numeric, counts


def telco(path):
    """Every statistic of each column of the new rows, on the reference amber stored."""
    data = json.loads(Path(path).read_text())
    out = []
    for case in data["cases"]:
        columns = []
        for col in case["columns"]:
            entry = {"column": col["column"]}
            if "sample" in col:
                a, b = np.asarray(col["sample"], float), np.asarray(col["current"], float)
                entry["ks_pvalue"] = float(stats.ks_2samp(a, b, method="exact").pvalue) if len(b) <= 10000 else None
                entry["wasserstein_normed"] = float(stats.wasserstein_distance(a, b) / max(np.std(a), 0.001))
            if "reference_counts" in col:
                r, c = col["reference_counts"], col["current_counts"]
                entry["chi_square_pvalue"] = chi_square(r, c)
                entry["jensen_shannon"] = float(distance.jensenshannon(floor_shares(r), floor_shares(c)))
                if len(r) == 2:
                    entry["z_test_pvalue"] = z_test(r, c)
            columns.append(entry)
        out.append({"name": case["name"], "columns": columns})
    return {"expected": out}


def main():
    numeric, counts = samples()
    result = {"numeric": numeric, "counts": counts}
    inputs = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/drift_inputs.json")
    if inputs.exists():
        result["telco"] = telco(inputs)
    elif OUT.exists():
        old = json.loads(OUT.read_text())
        if "telco" in old:
            result["telco"] = old["telco"]
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
