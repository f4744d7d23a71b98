//! The real server on an ephemeral loopback port: every route, every client error status, hot
//! swap under load, a version that fails verification, graceful shutdown.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use amber_estimators::ClassifierParams;
use amber_persistence::{LoadOptions, PersistError, Registry, SaveOptions, SecretKey};
use amber_serve::{Event, ServeError, ServeOptions, Service};
use common::*;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PREDICT: &str = "/v1/models/churn/predict";

/// The value of one sample of the Prometheus text, by its exact series name.
/// The body follows the OpenMetrics 1.0 text rules its content type promises: every sample belongs
/// to a family declared by a `# TYPE` line before it, counter families are named without
/// `_total` and their samples with it, histogram samples are `_bucket`, `_count`, `_sum` (or
/// `_created`), gauges are the family name alone, and the last line is `# EOF`.
fn check_openmetrics(text: &str) {
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.last(), Some(&"# EOF"), "{text}");
    let mut families: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for line in &lines[..lines.len() - 1] {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (family, kind) = rest.split_once(' ').expect("# TYPE family kind");
            assert!(
                !(kind == "counter" && family.ends_with("_total")),
                "counter family {family} named with _total"
            );
            assert!(families.insert(family, kind).is_none(), "{family} declared twice");
            continue;
        }
        if line.starts_with('#') {
            assert!(line.starts_with("# HELP ") || line.starts_with("# UNIT "), "{line}");
            continue;
        }
        let name = line.split(['{', ' ']).next().expect("a sample name");
        let value = line.rsplit(' ').next().expect("a value");
        assert!(value.parse::<f64>().is_ok() || value == "+Inf", "{line}");
        let declared = families.iter().find(|(family, kind)| {
            let suffixes: &[&str] = match **kind {
                "counter" => &["_total", "_created"],
                "histogram" => &["_bucket", "_count", "_sum", "_created"],
                _ => &[""],
            };
            suffixes.iter().any(|s| name.strip_prefix(**family) == Some(s))
        });
        assert!(declared.is_some(), "sample {name} has no declared family: {text}");
    }
}

fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.trim().parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_as_the_model_does() {
    let model = logistic();
    let (_dir, registry) = registry_with(model);
    let server = Running::start(registry, ServeOptions::default()).await;
    let mut client = server.client().await;

    let (status, body) = client.get("/healthz").await.expect("healthz");
    assert_eq!((status, &body[..]), (200, &b"ok\n"[..]));
    let (status, body) = client.get("/readyz").await.expect("readyz");
    assert_eq!(
        (status, json_of(&body)),
        (200, json!({"ready": true, "models": [{"name": "churn", "version": 1}]}))
    );

    let (status, body) = client.get("/v1/models").await.expect("list");
    assert_eq!(status, 200);
    assert_eq!(
        json_of(&body),
        json!({"models": [{"name": "churn", "alias": "champion", "version": 1, "algorithm": "logistic_regression", "rejected": null, "alias_error": null}]})
    );
    let (status, body) = client.get("/v1/models/churn").await.expect("show");
    assert_eq!(status, 200);
    let shown = json_of(&body);
    assert_eq!(shown["model"]["labels"], json!(model.proba_labels().expect("labels")));
    assert_eq!(shown["model"]["metrics"], json!({"accuracy": 0.8}));
    assert_eq!(shown["model"]["target"], json!("churn"));
    assert_eq!(shown["model"]["schema"], serde_json::to_value(&model.schema).expect("schema"));
    assert_eq!(shown["model"]["steps"].as_array().map(Vec::len), Some(model.step_kinds().len()));

    // JSON rows: the labels and the probabilities amber computes in process, to the bit.
    let new = rows(1500..1520);
    let labels = model.predict(&new).expect("predict");
    let proba = model.predict_proba(&new).expect("proba");
    let (status, body) =
        client.post_json(&format!("{PREDICT}?proba=true"), &json_rows(&new)).await.expect("predict");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let answer = json_of(&body);
    assert_eq!((answer["model"].clone(), answer["version"].clone()), (json!("churn"), json!(1)));
    assert_eq!(answer["predictions"], json!(labels));
    for (i, row) in proba.rows().into_iter().enumerate() {
        for (j, label) in model.proba_labels().expect("labels").iter().enumerate() {
            assert_eq!(answer["probabilities"][i][label].as_f64(), Some(row[j]), "row {i}, {label}");
        }
    }
    assert!(answer.get("warnings").is_none());

    // CSV rows: the same answers; without ?proba no probabilities.
    let mut csv = Vec::new();
    new.write_csv(&mut csv).expect("csv");
    let (status, body) = client.request("POST", PREDICT, Some("text/csv"), csv).await.expect("csv predict");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let answer = json_of(&body);
    assert_eq!(answer["predictions"], json!(labels));
    assert!(answer.get("probabilities").is_none());

    // A big batch (answered on the blocking pool) and an unseen category, reported, not refused.
    let big = rows(1500..4500);
    let mut request = json_rows(&big);
    request["rows"][7]["contract"] = json!("Three year");
    let (status, body) = client.post_json(PREDICT, &request).await.expect("big predict");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let answer = json_of(&body);
    assert_eq!(answer["predictions"].as_array().map(Vec::len), Some(3000));
    let expected = model.predict(&big).expect("predict");
    for (i, label) in expected.iter().enumerate().filter(|(i, _)| *i != 7) {
        assert_eq!(answer["predictions"][i], json!(label), "row {i}");
    }
    assert_eq!(answer["warnings"], json!([{"column": "contract", "unseen_category_rows": [7], "count": 1}]));

    let (status, content_type, body) = client.get_typed("/metrics").await.expect("metrics");
    assert_eq!(status, 200);
    assert_eq!(content_type.as_deref(), Some("application/openmetrics-text; version=1.0.0; charset=utf-8"));
    let text = String::from_utf8_lossy(&body);
    check_openmetrics(&text);
    let predicts = r#"amber_http_requests_total{route="/v1/models/{name}/predict",status="200"}"#;
    assert_eq!(sample(&text, predicts), Some(3.0), "{text}");
    assert_eq!(sample(&text, r#"amber_http_requests_total{route="/healthz",status="200"}"#), Some(1.0));
    assert_eq!(sample(&text, r#"amber_rows_predicted_total{model="churn"}"#), Some(3040.0));
    assert_eq!(sample(&text, r#"amber_model_version{model="churn"}"#), Some(1.0));
    assert_eq!(sample(&text, r#"amber_http_requests_in_flight"#), Some(1.0), "this request");
    let histogram = r#"amber_http_request_duration_seconds_count{route="/v1/models/{name}/predict"}"#;
    assert_eq!(sample(&text, histogram), Some(3.0));
    drop(client);
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_errors_get_their_status_and_a_named_kind() {
    let (_dir, registry) = registry_with(logistic());
    let server =
        Running::start(registry, ServeOptions::default().max_rows(50).max_body_bytes(64 << 10)).await;
    let mut client = server.client().await;
    let good = json_rows(&rows(1500..1502));
    let with = |row: usize, column: &str, value: Value| {
        let mut body = good.clone();
        body["rows"][row][column] = value;
        body.to_string()
    };
    let without_tenure = {
        let mut body = good.clone();
        body["rows"][1].as_object_mut().map(|r| r.remove("tenure"));
        body.to_string()
    };
    let mut csv = Vec::new();
    rows(1500..1502).drop_columns(&["tenure"]).expect("drop").write_csv(&mut csv).expect("csv");
    let csv_without_tenure = String::from_utf8(csv).expect("utf8");
    let mut csv = Vec::new();
    rows(1500..1502).write_csv(&mut csv).expect("csv");
    let csv_text = String::from_utf8(csv).expect("utf8");
    let csv_bad_number = csv_text.replacen(",37,", ",thirty-seven,", 1);
    assert_ne!(csv_bad_number, csv_text, "the first data row's tenure is 37");
    let many = json_rows(&rows(1500..1551)).to_string();
    let huge = format!("{{\"rows\": [], \"pad\": \"{}\"}}", "x".repeat(70 << 10));

    // (method, path, content type, body, status, kind, words the message must hold)
    let json = Some("application/json");
    type Case<'a> = (&'a str, String, Option<&'a str>, String, u16, &'a str, Vec<&'a str>);
    let cases: Vec<Case> = vec![
        ("GET", "/v1/models/nope".into(), None, String::new(), 404, "unknown_model", vec!["\"nope\""]),
        (
            "POST",
            "/v1/models/nope/predict".into(),
            json,
            good.to_string(),
            404,
            "unknown_model",
            vec!["\"nope\""],
        ),
        ("GET", "/nowhere".into(), None, String::new(), 404, "not_found", vec![]),
        ("POST", PREDICT.into(), json, "{\"rows\": [".into(), 400, "malformed_json", vec!["line 1"]),
        ("POST", format!("{PREDICT}?proba=maybe"), json, good.to_string(), 400, "bad_query", vec!["proba"]),
        (
            "POST",
            PREDICT.into(),
            Some("text/plain"),
            good.to_string(),
            415,
            "unsupported_media_type",
            vec!["text/plain"],
        ),
        ("POST", PREDICT.into(), json, huge, 413, "body_too_large", vec!["65536"]),
        ("POST", PREDICT.into(), json, many, 413, "too_many_rows", vec!["51 rows", "50"]),
        ("POST", PREDICT.into(), json, "{\"rows\": 3}".into(), 422, "bad_body", vec!["rows"]),
        (
            "POST",
            PREDICT.into(),
            json,
            "{\"rows\": [{}, 1]}".into(),
            422,
            "bad_row",
            vec!["row 1", "a number"],
        ),
        ("POST", PREDICT.into(), json, without_tenure, 422, "missing_column", vec!["row 1", "\"tenure\""]),
        (
            "POST",
            PREDICT.into(),
            json,
            with(1, "tenure", json!("long")),
            422,
            "text_in_numeric_column",
            vec!["\"tenure\"", "row 1", "\"long\""],
        ),
        (
            "POST",
            PREDICT.into(),
            json,
            with(0, "tenure", json!(true)),
            422,
            "invalid_value",
            vec!["row 0", "\"tenure\"", "boolean"],
        ),
        (
            "POST",
            PREDICT.into(),
            json,
            with(1, "contract", json!(["a"])),
            422,
            "invalid_value",
            vec!["row 1", "\"contract\"", "array"],
        ),
        (
            "POST",
            PREDICT.into(),
            Some("text/csv"),
            csv_without_tenure,
            422,
            "missing_column",
            vec!["\"tenure\""],
        ),
        (
            "POST",
            PREDICT.into(),
            Some("text/csv"),
            csv_bad_number,
            422,
            "invalid_csv",
            vec!["line 2", "\"thirty-seven\""],
        ),
        (
            "POST",
            PREDICT.into(),
            json,
            with(0, "monthlycharges", json!("1e999")),
            422,
            "non_finite",
            vec!["\"monthlycharges\"", "row 0"],
        ),
    ];
    for (method, path, content_type, body, status, kind, words) in cases {
        // A fresh connection each: the server closes one whose body it refused unread (413).
        let mut client = server.client().await;
        let (got, answer) = client.request(method, &path, content_type, body).await.expect("request");
        let answer = json_of(&answer);
        assert_eq!(
            (got, answer["error"]["kind"].as_str()),
            (status, Some(kind)),
            "{method} {path}: {answer}"
        );
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        for w in words {
            assert!(message.contains(w), "{kind}: {message:?} does not say {w:?}");
        }
    }
    // Wrong method: 405, from the router.
    let (status, _) = client.get(PREDICT).await.expect("get predict");
    assert_eq!(status, 405);
    // A cell as long as the body allows is not echoed whole.
    let long = with(0, "tenure", json!("9".repeat(30_000) + "x"));
    let (status, answer) = client.request("POST", PREDICT, json, long).await.expect("long");
    assert_eq!(status, 422);
    let message = json_of(&answer)["error"]["message"].as_str().unwrap_or_default().to_string();
    assert!(message.chars().count() <= amber_serve::MAX_MESSAGE_CHARS + 1, "{} chars", message.len());

    // None of that was a server error.
    let (_, metrics) = client.get("/metrics").await.expect("metrics");
    let metrics = String::from_utf8_lossy(&metrics);
    assert!(!metrics.contains("status=\"5"), "{metrics}");
    assert_eq!(
        sample(&metrics, r#"amber_http_requests_total{route="/v1/models/{name}/predict",status="422"}"#),
        Some(10.0)
    );
    drop(client);
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_promoted_version_is_swapped_in_under_load_and_no_request_fails() {
    let (_dir, registry) = registry_with(logistic());
    let v2 = registry.register("churn", tree(), &SaveOptions::default()).expect("v2").version;
    let options = ServeOptions::default().poll_interval(Duration::from_millis(20));
    let server = Running::start(registry.clone(), options).await;
    let batch = rows(1500..1540);
    let expected = |v: u64| match v {
        1 => logistic().predict(&batch).expect("predict"),
        _ => tree().predict(&batch).expect("predict"),
    };
    assert_ne!(expected(1), expected(2), "the two versions must answer differently");
    let body = json_rows(&batch);
    let promoted = Arc::new(std::sync::atomic::AtomicBool::new(false));

    let mut workers = Vec::new();
    for _ in 0..8 {
        let (mut client, body, promoted) = (server.client().await, body.clone(), promoted.clone());
        workers.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut after = 0;
            while after < 20 {
                let (status, answer) = client.post_json(PREDICT, &body).await.expect("request");
                let answer = json_of(&answer);
                seen.push((status, answer["version"].as_u64(), answer["predictions"].clone()));
                if promoted.load(std::sync::atomic::Ordering::SeqCst) && answer["version"] == json!(2) {
                    after += 1;
                }
            }
            seen
        }));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    registry.set_alias("churn", "champion", v2).expect("promote");
    promoted.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut saw_v1 = false;
    for worker in workers {
        let seen = worker.await.expect("worker");
        let versions: Vec<u64> = seen.iter().map(|(_, v, _)| v.unwrap_or(0)).collect();
        assert!(versions.windows(2).all(|w| w[0] <= w[1]), "versions went back: {versions:?}");
        saw_v1 |= versions.first() == Some(&1);
        for (status, version, predictions) in seen {
            assert_eq!(status, 200);
            let version = version.expect("every answer names its version");
            assert_eq!(predictions, json!(expected(version)), "v{version}");
        }
    }
    assert!(saw_v1, "the load started on v1");
    let (_, metrics) = server.client().await.get("/metrics").await.expect("metrics");
    let metrics = String::from_utf8_lossy(&metrics);
    assert_eq!(sample(&metrics, r#"amber_model_swaps_total{model="churn",outcome="swapped"}"#), Some(1.0));
    assert_eq!(sample(&metrics, r#"amber_model_version{model="churn"}"#), Some(2.0));
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_that_fails_verification_never_replaces_the_serving_one() {
    let key = SecretKey::from_seed([7; 32]);
    let dir = tempfile::tempdir().expect("tempdir");
    let trainer = Registry::open(dir.path()).expect("registry");
    let signed = |model| {
        SaveOptions::default().sign(SecretKey::from_seed([7; 32])).metric("accuracy", 0.8).tag("m", model)
    };
    trainer.register("churn", logistic(), &signed("lr")).expect("v1");
    trainer.set_alias("churn", "champion", 1).expect("alias");
    let unsigned = trainer.register("churn", tree(), &SaveOptions::default()).expect("v2").version;
    // The service trusts only `key`, and requires it.
    let serving = Registry::open(dir.path())
        .expect("registry")
        .with_load_options(LoadOptions::default().trust(key.public_key()).require_signature(true));
    let events = Arc::new(Mutex::new(Vec::new()));
    let log = events.clone();
    let options = ServeOptions::default()
        .poll_interval(Duration::from_millis(20))
        .on_event(move |e| log.lock().expect("log").push(e.clone()));
    let server = Running::start(serving, options).await;
    let mut client = server.client().await;

    trainer.set_alias("churn", "champion", unsigned).expect("promote unsigned");
    let shown =
        wait_for(&mut client, "/v1/models/churn", |b| !json_of(b.as_bytes())["rejected"].is_null()).await;
    let shown = json_of(shown.as_bytes());
    assert_eq!(shown["version"], json!(1));
    assert_eq!(shown["rejected"]["version"], json!(2));
    assert!(shown["rejected"]["error"].as_str().unwrap_or_default().contains("not signed"), "{shown}");
    // Ten more polls: the refused version is not tried again, and v1 still answers.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, answer) = client.post_json(PREDICT, &json_rows(&rows(1500..1501))).await.expect("predict");
    assert_eq!((status, json_of(&answer)["version"].clone()), (200, json!(1)));
    let (_, metrics) = client.get("/metrics").await.expect("metrics");
    let metrics = String::from_utf8_lossy(&metrics);
    assert_eq!(sample(&metrics, r#"amber_model_swaps_total{model="churn",outcome="rejected"}"#), Some(1.0));
    assert_eq!(sample(&metrics, r#"amber_model_swaps_total{model="churn",outcome="swapped"}"#), None);

    // A signed version is swapped in (another model: the same payload would be v2 again).
    let deeper = amber_pipeline::Pipeline::new()
        .transformer("pre", amber_pipeline::ColumnTransformer::standard().drop(["customerid"]))
        .classifier("classifier", amber_estimators::DecisionTreeClassifier::params().max_depth(Some(4)))
        .fit(&rows(0..1500), "churn")
        .expect("fit");
    let v3 = trainer.register("churn", &deeper, &signed("tree")).expect("v3");
    assert_eq!(v3.version, 3);
    trainer.set_alias("churn", "champion", v3.version).expect("promote signed");
    wait_for(&mut client, "/v1/models/churn", |b| json_of(b.as_bytes())["version"] == json!(3)).await;

    // Its file damaged on disk: the alias cannot be read, and v3, already loaded, keeps serving.
    let mut bytes = std::fs::read(&v3.path).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    // Replaced atomically: a poll between a truncation and a write would see a second error.
    amber_persistence::write_atomic(&v3.path, &bytes).expect("write");
    wait_for(&mut client, "/v1/models/churn", |b| !json_of(b.as_bytes())["alias_error"].is_null()).await;
    let (status, answer) = client.post_json(PREDICT, &json_rows(&rows(1500..1501))).await.expect("predict");
    assert_eq!((status, json_of(&answer)["version"].clone()), (200, json!(3)));

    let events = events.lock().expect("events").clone();
    assert_eq!(events.len(), 3, "{events:?}");
    assert!(
        matches!(&events[0], Event::Rejected { version: 2, serving: 1, error, .. } if error.contains("not signed")),
        "{events:?}"
    );
    assert_eq!(events[1], Event::Swapped { model: "churn".into(), from: 1, to: 3 });
    assert!(matches!(&events[2], Event::AliasUnavailable { alias, .. } if alias == "champion"), "{events:?}");
    drop(client);
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_the_request_in_flight_finish_and_refuses_new_ones() {
    let (_dir, registry) = registry_with(logistic());
    let mut server = Running::start(registry, ServeOptions::default()).await;
    let batch = rows(1500..1503);
    let body = json_rows(&batch).to_string().into_bytes();
    let (head, tail) = body.split_at(body.len() / 2);

    // A request whose body is half sent.
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.expect("connect");
    let request = format!(
        "POST {PREDICT} HTTP/1.1\r\nHost: amber\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("head");
    stream.write_all(head).await.expect("half the body");
    let mut watcher = server.client().await;
    wait_for(&mut watcher, "/metrics", |m| sample(m, "amber_http_requests_in_flight") == Some(2.0)).await;
    drop(watcher);

    server.trigger_shutdown();
    let addr = server.addr;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(addr).await.is_ok() {
        assert!(tokio::time::Instant::now() < deadline, "the listener stayed open");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    stream.write_all(tail).await.expect("the rest of the body");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("response");
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let json_start = response.find("\r\n\r\n").map_or(0, |i| i + 4);
    let expected = json!(logistic().predict(&batch).expect("predict"));
    assert_eq!(json_of(response[json_start..].as_bytes())["predictions"], expected);
    server.finished().await.expect("clean exit");
}

#[test]
fn the_service_refuses_to_start_without_something_verified_to_serve() {
    let (_dir, registry) = registry_with(logistic());
    let start = |options: ServeOptions| Service::load(registry.clone(), options).map(|_| ());
    let churn = |r: &str| ServeOptions::default().model(r.parse().expect("model ref"));

    assert!(
        matches!(start(churn("churn@staging")), Err(ServeError::NoAlias { name, alias }) if name == "churn" && alias == "staging")
    );
    assert!(
        matches!(start(ServeOptions::default().alias("staging")), Err(ServeError::NothingToServe { alias }) if alias == "staging")
    );
    assert!(
        matches!(start(churn("churn").model("churn@champion".parse().expect("ref"))), Err(ServeError::DuplicateModel { name }) if name == "churn")
    );
    assert!(matches!(
        start(churn("churn").max_rows(0)),
        Err(ServeError::InvalidOption { name: "max_rows", .. })
    ));
    assert!(matches!(
        start(churn("churn").max_body_bytes(0)),
        Err(ServeError::InvalidOption { name: "max_body_bytes", .. })
    ));
    assert!(matches!(
        start(churn("churn").poll_interval(Duration::ZERO)),
        Err(ServeError::InvalidOption { name: "poll_interval", .. })
    ));
    for bad in ["", "@champion", "churn@", "a@b@c"] {
        assert!(
            matches!(bad.parse::<amber_serve::ModelRef>(), Err(ServeError::BadModelRef { .. })),
            "{bad:?}"
        );
    }
    assert!(start(churn("churn")).is_ok());

    // Signatures required: the unsigned champion is refused at start.
    let strict = registry.clone().with_load_options(LoadOptions::default().require_signature(true));
    let refused = Service::load(strict, ServeOptions::default());
    assert!(
        matches!(refused, Err(ServeError::Persist(PersistError::SignatureRequired { .. }))),
        "{refused:?}"
    );

    // A classifier saved alone has no input schema: it is not a pipeline, and is refused by kind.
    let (x, y) = amber_data::datasets::iris().expect("iris").features_and_target().expect("xy");
    let bare = amber_estimators::DecisionTreeClassifier::params()
        .fit(x.to_array2().expect("x").view(), &y.indices)
        .expect("fit");
    let v = registry.register("iris", &bare, &SaveOptions::default()).expect("register");
    registry.set_alias("iris", "champion", v.version).expect("alias");
    let refused = Service::load(registry.clone(), churn("iris"));
    assert!(matches!(refused, Err(ServeError::Persist(PersistError::WrongKind { .. }))), "{refused:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_of_the_latest_requests_is_served_and_exported_as_gauges() {
    let (_dir, registry) = registry_with(logistic());
    let server = Running::start(registry, ServeOptions::default()).await;
    let mut client = server.client().await;
    let (status, body) = client.get("/v1/models/churn/drift").await.expect("drift");
    assert_eq!(status, 200);
    assert_eq!(json_of(&body)["window_rows"], json!(0), "no request yet");

    // New customers as they are: nothing drifts.
    let (status, _) = client.post_json(PREDICT, &json_rows(&rows(1500..2300))).await.expect("predict");
    assert_eq!(status, 200);
    let (status, body) = client.get("/v1/models/churn/drift").await.expect("drift");
    assert_eq!(status, 200);
    let answer = json_of(&body);
    assert_eq!(answer["window_rows"], json!(800));
    assert_eq!(answer["report"]["dataset_drift"], json!(false), "{answer}");
    assert_eq!(answer["report"]["drifted_columns"], json!(0), "{answer}");

    // Monthly charges 30 higher: that column drifts, in the report and in the gauges.
    let mut shifted = json_rows(&rows(2300..3100));
    for row in shifted["rows"].as_array_mut().expect("rows") {
        if let Some(v) = row["monthlycharges"].as_f64() {
            row["monthlycharges"] = json!(v + 30.0);
        }
    }
    let (status, _) = client.post_json(PREDICT, &shifted).await.expect("predict");
    assert_eq!(status, 200);
    let (_, body) = client.get("/v1/models/churn/drift").await.expect("drift");
    let answer = json_of(&body);
    let columns = answer["report"]["columns"].as_array().expect("columns");
    let drifted: Vec<&str> =
        columns.iter().filter(|c| c["drifted"] == true).filter_map(|c| c["column"].as_str()).collect();
    assert_eq!(drifted, ["monthlycharges"], "{answer}");
    let (_, metrics) = client.get("/metrics").await.expect("metrics");
    let metrics = String::from_utf8_lossy(&metrics);
    assert_eq!(
        sample(&metrics, r#"amber_column_drift{model="churn",column="monthlycharges"}"#),
        Some(1.0),
        "{metrics}"
    );
    assert_eq!(sample(&metrics, r#"amber_column_drift{model="churn",column="tenure"}"#), Some(0.0));
    assert_eq!(sample(&metrics, r#"amber_dataset_drift{model="churn"}"#), Some(0.0));
    drop(client);
    server.stop().await.expect("stop");

    // A model saved before format 1.6 has no reference: 409, named.
    let old = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/format-v1.5/pipeline.amber");
    let model: amber_pipeline::FittedPipeline = amber_persistence::load(&old).expect("golden 1.5 pipeline");
    let (_dir, registry) = registry_with(&model);
    let server = Running::start(registry, ServeOptions::default()).await;
    let (status, body) = server.client().await.get("/v1/models/churn/drift").await.expect("drift");
    assert_eq!((status, json_of(&body)["error"]["kind"].clone()), (409, json!("no_reference")));
    server.stop().await.expect("stop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drift_window_of_zero_turns_drift_monitoring_off() {
    let (_dir, registry) = registry_with(logistic());
    let server = Running::start(registry, ServeOptions::default().drift_window(0)).await;
    let mut client = server.client().await;
    let (status, _) = client.post_json(PREDICT, &json_rows(&rows(1500..1600))).await.expect("predict");
    assert_eq!(status, 200);
    let (status, body) = client.get("/v1/models/churn/drift").await.expect("drift");
    assert_eq!((status, json_of(&body)["error"]["kind"].clone()), (409, json!("drift_disabled")));
    drop(client);
    server.stop().await.expect("stop");
}
