//! Every subcommand and every exit status of the real binary: 0 ok, 1 usage or input error,
//! 2 model file invalid or untrusted, 3 I/O. Errors are one to three lines, never a panic.

mod common;

use std::path::{Path, PathBuf};

use amber_data::{CsvOptions, Table};
use amber_persistence::load;
use amber_pipeline::FittedPipeline;
use common::*;

/// A model trained on iris (a quick decision tree) in `dir/models`; returns its path.
fn iris_model(dir: &Path, extra: &[&str]) -> String {
    let data = dataset("iris");
    let mut args = vec!["--data", data.to_str().unwrap(), "--target", "species", "--model", "dt"];
    args.extend_from_slice(extra);
    train(dir, &args)["path"].as_str().unwrap().to_string()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn help_lists_commands_and_exit_statuses() {
    let tmp = scratch();
    let help = ok(tmp.path(), &["--help"]);
    for word in [
        "train",
        "predict",
        "inspect",
        "verify",
        "models",
        "keygen",
        "export",
        "serve",
        "Exit status",
        "2  the model file",
    ] {
        assert!(help.contains(word), "{word:?} not in --help:\n{help}");
    }
    for sub in ["train", "predict", "inspect", "verify", "models", "keygen", "export", "serve"] {
        let text = ok(tmp.path(), &[sub, "--help"]);
        assert!(text.contains("Example"), "amber {sub} --help has no example:\n{text}");
    }
    assert!(ok(tmp.path(), &["--version"]).starts_with("amber "));
}

#[test]
fn usage_errors_exit_1() {
    let tmp = scratch();
    let dir = tmp.path();
    let o = amber(dir, &["frobnicate"]);
    assert_eq!(o.status.code(), Some(1));
    let o = amber(dir, &["train"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--data"), "{}", stderr(&o));
    let data = dataset("iris");
    let data = data.to_str().unwrap();
    let err = fails(dir, &["train", "--data", data, "--target", "colour"], 1);
    assert!(err.contains("\"colour\""), "{err}");
    let err =
        fails(dir, &["train", "--data", data, "--target", "species", "--param", "classifier.max_depth=2"], 1);
    assert!(err.contains("--param needs one --model"), "{err}");
    let err = fails(
        dir,
        &["train", "--data", data, "--target", "species", "--model", "dt", "--param", "classifier.depth=2"],
        1,
    );
    assert!(err.contains("classifier.depth"), "{err}");
    let err = fails(dir, &["train", "--data", data, "--target", "species", "--test-size", "1.5"], 1);
    assert!(err.contains("--test-size"), "{err}");
    let err = fails(dir, &["train", "--data", data, "--target", "species", "--compress", "40"], 1);
    assert!(err.contains("--compress"), "{err}");
    assert!(!dir.join("models").exists(), "nothing is trained or saved after a usage error");
}

#[test]
fn predict_writes_ids_and_names_input_errors() {
    let tmp = scratch();
    let dir = tmp.path();
    let data = dataset("penguins");
    let path = train(dir, &["--data", data.to_str().unwrap(), "--target", "species", "--model", "lr"])
        ["path"]
        .as_str()
        .unwrap()
        .to_string();
    let header = "id,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year";
    let rows =
        format!("{header}\nA7,Biscoe,45.2,14.8,212,5200,NA,2009\nB9,Atlantis,39.1,18.7,181,3750,male,2007\n");
    let input = write(dir, "new.csv", &rows);
    let o = amber(dir, &["predict", &path, input.to_str().unwrap(), "--keep", "id"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "id,prediction");
    assert_eq!(lines[1], "A7,Gentoo");
    assert!(lines[2].starts_with("B9,"), "{out}");
    // The unseen island is a warning naming the column and the row, not an error.
    let warning = stderr(&o);
    assert!(warning.contains("\"island\"") && warning.contains("rows 1"), "{warning}");
    assert!(stderr(&amber(dir, &["predict", &path, input.to_str().unwrap(), "-q"])).is_empty());

    // Stdin works too, and gives the same output.
    let piped = assert_cmd::Command::cargo_bin("amber")
        .unwrap()
        .current_dir(dir)
        .args(["predict", &path, "-", "--keep", "id", "-q"])
        .write_stdin(rows.clone())
        .output()
        .unwrap();
    assert_eq!(stdout(&piped), out);

    // JSON Lines: one object per row, the same labels, probabilities keyed by label.
    let json =
        ok(dir, &["predict", &path, input.to_str().unwrap(), "--keep", "id", "--proba", "--json", "-q"]);
    let objects: Vec<serde_json::Value> = json.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(objects.len(), 2);
    assert_eq!(objects[0]["id"], "A7");
    assert_eq!(objects[0]["prediction"], "Gentoo");
    let p = objects[0]["proba"].as_object().unwrap();
    assert_eq!(p.keys().collect::<Vec<_>>(), ["Adelie", "Chinstrap", "Gentoo"]);
    assert!((p.values().map(|v| v.as_f64().unwrap()).sum::<f64>() - 1.0).abs() < 1e-12);

    // A column the model needs is missing: one line naming it.
    let input = write(dir, "short.csv", "island,bill_length_mm\nBiscoe,45.2\n");
    let err = fails(dir, &["predict", &path, input.to_str().unwrap()], 1);
    assert!(err.contains("short.csv") && err.contains("the model needs column"), "{err}");
    // A --keep column that is not there.
    let input = write(dir, "nokeep.csv", &rows.replace("id,", "code,"));
    let err = fails(dir, &["predict", &path, input.to_str().unwrap(), "--keep", "id"], 1);
    assert!(err.contains("--keep names column \"id\""), "{err}");
    // Text in a numeric column: the file, line, column and value.
    let input = write(dir, "text.csv", &format!("{header}\nA7,Biscoe,45.2,14.8,tall,5200,NA,2009\n"));
    let err = fails(dir, &["predict", &path, input.to_str().unwrap()], 1);
    assert!(
        err.contains("text.csv: line 2, column 5 (\"flipper_length_mm\"): \"tall\" is not a number"),
        "{err}"
    );
    // Infinity: the column and the row.
    let input = write(dir, "inf.csv", &format!("{header}\nA7,Biscoe,45.2,14.8,212,inf,NA,2009\n"));
    let err = fails(dir, &["predict", &path, input.to_str().unwrap()], 1);
    assert!(err.contains("\"body_mass_g\", row 0") && err.contains("not a finite number"), "{err}");
    // A missing input file is an I/O error.
    let err = fails(dir, &["predict", &path, "absent.csv"], 3);
    assert!(err.contains("absent.csv"), "{err}");
    // An output that cannot be created is an I/O error.
    let input = write(dir, "ok.csv", &rows);
    let err = fails(dir, &["predict", &path, input.to_str().unwrap(), "-o", "no/such/dir/out.csv"], 3);
    assert!(err.contains("no/such/dir/out.csv"), "{err}");
}

/// More rows than one chunk: the same predictions as the library on the whole table, and errors
/// in a later chunk name the row in the whole file.
#[test]
fn predict_streams_in_chunks() {
    let tmp = scratch();
    let dir = tmp.path();
    let path = iris_model(dir, &[]);
    let iris = std::fs::read_to_string(dataset("iris")).unwrap();
    let (header, body) = iris.split_once('\n').unwrap();
    let n = 20_000;
    let mut text = format!("{header}\n");
    let body_rows: Vec<&str> = body.lines().collect();
    for i in 0..n {
        text.push_str(body_rows[i % body_rows.len()]);
        text.push('\n');
    }
    let input = write(dir, "big.csv", &text);
    ok(dir, &["predict", &path, input.to_str().unwrap(), "--proba", "-o", "big.out.csv"]);
    let model: FittedPipeline = load(dir.join(&path)).unwrap();
    let whole = Table::from_csv_str(&text, &model.schema.csv_options()).unwrap();
    let expected = model.predict(&whole).unwrap();
    let out = Table::from_csv_path_with(dir.join("big.out.csv"), &CsvOptions::default()).unwrap();
    assert_eq!(out.n_rows(), n);
    let got: Vec<String> = out
        .column("prediction")
        .unwrap()
        .as_categorical()
        .unwrap()
        .iter()
        .map(|c| c.clone().unwrap())
        .collect();
    assert_eq!(got, expected);

    // Row 15,000 (line 15,002) is in the second chunk.
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[15_001] = "5.1,3.5,1.4,inf,setosa".to_string();
    let input = write(dir, "bad.csv", &(lines.join("\n") + "\n"));
    let err = fails(dir, &["predict", &path, input.to_str().unwrap(), "-o", "bad.out.csv"], 1);
    assert!(err.contains("row 15000"), "{err}");
    lines[15_001] = "5.1,3.5,1.4,wide,setosa".to_string();
    let input = write(dir, "bad.csv", &(lines.join("\n") + "\n"));
    let err = fails(dir, &["predict", &path, input.to_str().unwrap(), "-o", "bad.out.csv"], 1);
    assert!(err.contains("line 15002, column 4"), "{err}");
}

#[test]
fn damaged_files_exit_2_and_missing_ones_3() {
    let tmp = scratch();
    let dir = tmp.path();
    let path = iris_model(dir, &[]);
    let mut bytes = std::fs::read(dir.join(&path)).unwrap();
    let last = bytes.len() - 10;
    bytes[last] ^= 0xff;
    std::fs::write(dir.join("damaged.amber"), &bytes).unwrap();
    for cmd in ["verify", "inspect"] {
        let err = fails(dir, &[cmd, "damaged.amber"], 2);
        assert!(err.contains("damaged.amber"), "{err}");
    }
    let err = fails(dir, &["predict", "damaged.amber", dataset("iris").to_str().unwrap()], 2);
    assert!(err.contains("checksum"), "{err}");
    std::fs::write(dir.join("garbage.amber"), b"\x00\x01 not a model at all").unwrap();
    fails(dir, &["verify", "garbage.amber"], 2);
    std::fs::write(dir.join("empty.amber"), b"").unwrap();
    fails(dir, &["inspect", "empty.amber"], 2);
    let err = fails(dir, &["verify", "absent.amber"], 3);
    assert!(err.contains("absent.amber"), "{err}");
    // A directory is not a model file: an input error naming it.
    std::fs::create_dir(dir.join("folder.amber")).unwrap();
    fails(dir, &["verify", "folder.amber"], 1);
}

#[test]
fn keygen_sign_and_verify_with_keys() {
    let tmp = scratch();
    let dir = tmp.path();
    let text = ok(dir, &["keygen", "--out", "keys/release.pem"]);
    assert!(text.contains("key id"), "{text}");
    assert!(dir.join("keys/release.pem").is_file() && dir.join("keys/release.pub.pem").is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("keys/release.pem")).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the secret key is private: {mode:o}");
    }
    // Never overwrites a key.
    let err = fails(dir, &["keygen", "--out", "keys/release.pem"], 1);
    assert!(err.contains("never overwrites"), "{err}");
    ok(dir, &["keygen", "--out", "keys/other.pem"]);

    let signed = iris_model(dir, &["--sign", "keys/release.pem"]);
    let verified = ok(dir, &["verify", &signed, "--key", "keys/release.pub.pem"]);
    assert!(verified.contains("signed by trusted key"), "{verified}");
    // Several --key: any one of them may have signed.
    ok(dir, &["verify", &signed, "--key", "keys/other.pub.pem", "--key", "keys/release.pub.pem"]);
    let err = fails(dir, &["verify", &signed, "--key", "keys/other.pub.pem"], 2);
    assert!(err.contains("key"), "{err}");
    ok(dir, &["predict", &signed, dataset("iris").to_str().unwrap(), "--key", "keys/release.pub.pem"]);
    fails(dir, &["predict", &signed, dataset("iris").to_str().unwrap(), "--key", "keys/other.pub.pem"], 2);
    let inspect = ok(dir, &["inspect", &signed]);
    assert!(inspect.contains("ed25519 by key"), "{inspect}");

    // An unsigned file when a key is required.
    let unsigned = iris_model(dir, &["--seed", "7", "--registry", "other"]);
    let err = fails(dir, &["verify", &unsigned, "--key", "keys/release.pub.pem"], 2);
    assert!(err.contains("sign"), "{err}");
    // A key file that is not a key is an input error.
    write(dir, "bad.pem", "not a key");
    fails(dir, &["verify", &unsigned, "--key", "bad.pem"], 1);
    fails(
        dir,
        &["train", "--data", dataset("iris").to_str().unwrap(), "--target", "species", "--sign", "bad.pem"],
        1,
    );
}

#[test]
fn models_list_show_promote_alias_rm() {
    let tmp = scratch();
    let dir = tmp.path();
    let err = fails(dir, &["models", "list"], 1);
    assert!(err.contains("not a registry"), "{err}");
    iris_model(dir, &[]);
    // Another seed: another model, comparable only by accident, so it does not take over.
    iris_model(dir, &["--seed", "7"]);
    let listing: serde_json::Value = serde_json::from_str(&ok(dir, &["models", "list", "--json"])).unwrap();
    let versions = listing["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2, "{listing}");
    assert_eq!(versions[0]["aliases"], serde_json::json!(["champion"]));
    assert_eq!(versions[1]["aliases"], serde_json::json!([]));
    let text = ok(dir, &["models", "list", "iris"]);
    assert!(text.lines().any(|l| l.starts_with("*iris") && l.contains("v1")), "{text}");

    let moved = ok(dir, &["models", "promote", "iris", "2"]);
    assert!(moved.contains("iris@champion: v2 (was v1)"), "{moved}");
    ok(dir, &["models", "alias", "iris", "baseline", "1"]);
    let shown = ok(dir, &["models", "show", "iris@champion"]);
    assert!(shown.starts_with("iris v2") && shown.contains("champion"), "{shown}");
    let shown: serde_json::Value =
        serde_json::from_str(&ok(dir, &["models", "show", "iris@1", "--json"])).unwrap();
    assert_eq!(shown["aliases"], serde_json::json!(["baseline"]));
    assert_eq!(shown["header"]["model_name"], "iris");

    let err = fails(dir, &["models", "rm", "iris", "1"], 1);
    assert!(err.contains("baseline"), "{err}");
    ok(dir, &["models", "alias", "iris", "baseline", "2"]);
    assert!(ok(dir, &["models", "rm", "iris", "1"]).contains("removed iris v1"));
    fails(dir, &["models", "show", "iris@1"], 1);
    fails(dir, &["models", "show", "iris@nightly"], 1);
    fails(dir, &["models", "promote", "iris", "9"], 1);
    fails(dir, &["models", "alias", "iris", "bad alias", "2"], 1);
}
