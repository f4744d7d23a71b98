"""The bugs issue 15 planted, applied one at a time: each edit is made, the named tests run, and the
file restored from the copy kept in memory. Every bug must make at least one test fail; the
results are in MUTANTS.md ("The bugs issue 15 planted").

Run by hand from a clean checkout (never by CI):  python3 tools/planted_bugs.py [INDEX…]
"""
import os
import pathlib
import re
import subprocess
import sys

os.chdir(pathlib.Path(__file__).resolve().parent.parent)
env = dict(os.environ)
BUGS = [
 ("SVC probability inverted (p <-> 1-p)", [("crates/amber-estimators/src/svm/mod.rs",
   "r[pair.first][pair.second] = p;\n                r[pair.second][pair.first] = 1.0 - p;",
   "r[pair.first][pair.second] = 1.0 - p;\n                r[pair.second][pair.first] = p;")],
   ["-p", "amber-estimators", "--test", "sklearn_reference", "--test", "conformance"]),
 ("neg_log_loss without its minus", [("crates/amber-model-selection/src/search.rs", "_ => -metrics::log_loss(", "_ => metrics::log_loss(")],
   ["-p", "amber-model-selection"]),
 ("f1_weighted computed as macro", [("crates/amber-model-selection/src/search.rs", "_ => metrics::f1(y_true, &y_pred, k, Average::Weighted)?", "_ => metrics::f1(y_true, &y_pred, k, Average::Macro)?")],
   ["-p", "amber-model-selection"]),
 ("forest default max_features = log2", [("crates/amber-estimators/src/tree/forest.rs", "tree: TreeParams::new(MaxFeatures::Sqrt),", "tree: TreeParams::new(MaxFeatures::Log2),")],
   ["-p", "amber-estimators", "--lib", "--test", "sklearn_reference", "--test", "conformance", "--test", "validate_and_determinism", "--test", "numerics_and_bounds"]),
 ("reader rejects minor versions != 0", [("crates/amber-persistence/src/format.rs", "    if major != FORMAT_MAJOR {", "    if major != FORMAT_MAJOR || minor != 0 {")],
   ["-p", "amber-persistence"]),
 ("header decoder with deny_unknown_fields", [("crates/amber-persistence/src/header.rs", "#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]\npub struct Header {", "#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]\n#[serde(deny_unknown_fields)]\npub struct Header {")],
   ["-p", "amber-persistence"]),
 ("tree validator without the leaf-sum check", [("crates/amber-estimators/src/tree/data.rs", " || (sum - 1.0).abs() > 1e-9 {", " {")],
   ["-p", "amber-estimators", "--lib", "--test", "validate_and_determinism", "--test", "conformance"]),
 ("verify_after_save defaults to false", [("crates/amber-persistence/src/io.rs", "            verify_after_save: true,", "            verify_after_save: false,")],
   ["-p", "amber-persistence"]),
 ("checksum skips the first 16 bytes", [("crates/amber-persistence/src/format.rs", "let sum = Sha256::digest(&out);", "let sum = Sha256::digest(out.get(16..).unwrap_or_default());"),
                                          ("crates/amber-persistence/src/format.rs", "let body = bytes.get(..body_end).unwrap_or_default();", "let body = bytes.get(16..body_end).unwrap_or_default();")],
   ["-p", "amber-persistence"]),
 ("registry claim with create instead of create_new", [("crates/amber-persistence/src/store.rs", ".write(true).create_new(true).open(&path)", ".write(true).create(true).truncate(true).open(&path)")],
   ["-p", "amber-persistence"]),
]
only = sys.argv[1:]
for i, (name, edits, args) in enumerate(BUGS):
    if only and str(i) not in only: continue
    originals = {}
    try:
        for f, old, new in edits:
            s = open(f).read()
            originals.setdefault(f, s)
            assert s.count(old) == 1, (name, f, s.count(old))
            open(f, "w").write(s.replace(old, new))
        r = subprocess.run(["cargo", "test", "-q", *args, "--no-fail-fast"], env=env, capture_output=True, text=True)
    finally:
        for f, s in originals.items():
            open(f, "w").write(s)
    failed = sorted(set(re.findall(r"^    (\S+)$", r.stdout, re.M)))
    print(f"[{i}] {name}: {'CAUGHT' if failed else 'NOT CAUGHT'} {failed}" + ("" if failed else r.stderr[-300:]), flush=True)
