//! `amber serve` as a user runs it: the real binary on an ephemeral loopback port, trained by
//! `amber train`, queried over HTTP, stopped by SIGTERM.

mod common;
#[path = "../../amber-persistence/tests/s3s/mod.rs"]
mod s3s;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use common::*;

/// One HTTP/1.1 exchange on a fresh connection: status and body.
fn http(addr: &str, method: &str, path: &str, content_type: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b).to_string();
    (status, body)
}

/// A running `amber serve`, killed and reaped if a test fails before it stops it.
struct Server {
    child: Child,
    addr: String,
    stderr: BufReader<std::process::ChildStderr>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `amber serve ARGS… --addr 127.0.0.1:0` and reads its stderr up to the address it
/// listens on; returns the server and the lines before that one.
fn serve(dir: &std::path::Path, args: &[&str]) -> (Server, Vec<String>) {
    serve_with_env(dir, &[], args)
}

/// [`serve`] with environment variables added.
fn serve_with_env(dir: &std::path::Path, env: &[(String, String)], args: &[&str]) -> (Server, Vec<String>) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("amber"))
        .current_dir(dir)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(args)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut server = Server { child, addr: String::new(), stderr };
    let mut before = Vec::new();
    loop {
        let mut line = String::new();
        assert!(server.stderr.read_line(&mut line).unwrap() > 0, "amber serve exited: {before:?}");
        if let Some(addr) = line.trim().strip_prefix("listening on http://") {
            server.addr = addr.to_string();
            return (server, before);
        }
        before.push(line.trim().to_string());
    }
}

#[test]
fn serve_answers_predictions_and_stops_cleanly_on_sigterm() {
    let tmp = scratch();
    let dir = tmp.path();
    train(dir, &["--data", dataset("iris").to_str().unwrap(), "--target", "species", "--model", "dt"]);
    let (mut server, before) = serve(dir, &["--registry", "models", "--model", "iris"]);
    assert_eq!(before, ["serving iris@champion: v1"]);
    let addr = server.addr.clone();

    let (status, body) = http(&addr, "GET", "/healthz", "text/plain", "");
    assert_eq!((status, body.as_str()), (200, "ok\n"));
    let csv = "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n";
    let (status, body) = http(&addr, "POST", "/v1/models/iris/predict", "text/csv", csv);
    assert_eq!(status, 200, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["predictions"], serde_json::json!(["setosa", "virginica"]));
    assert_eq!(answer["version"], serde_json::json!(1));
    let (status, body) = http(
        &addr,
        "POST",
        "/v1/models/iris/predict",
        "application/json",
        r#"{"rows": [{"sepal_length": 5.1}]}"#,
    );
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("missing_column") && body.contains("sepal_width"), "{body}");

    // SIGTERM: a clean stop, status 0.
    let pid = i32::try_from(server.child.id()).unwrap();
    // SAFETY: kill(2) with a pid this test spawned and still owns (not yet waited for).
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let status = server.child.wait().unwrap();
    let mut rest = String::new();
    server.stderr.read_to_string(&mut rest).unwrap();
    assert_eq!(status.code(), Some(0), "{rest}");
    assert!(rest.contains("stopped"), "{rest}");
}

#[test]
fn serve_refuses_what_it_cannot_serve_with_an_exit_status() {
    let tmp = scratch();
    let dir = tmp.path();
    let err = fails(dir, &["serve", "--registry", "nowhere"], 1);
    assert!(err.contains("not a registry"), "{err}");
    let err = fails(dir, &["serve", "--registry", "s3://Bucket/models"], 1);
    assert!(err.contains("s3://BUCKET"), "{err}");
    train(dir, &["--data", dataset("iris").to_str().unwrap(), "--target", "species", "--model", "dt"]);
    let err = fails(dir, &["serve", "--registry", "models", "--model", "iris@staging"], 1);
    assert!(err.contains("staging"), "{err}");
    let err = fails(dir, &["serve", "--registry", "models", "--model", "iris@"], 1);
    assert!(err.contains("NAME@ALIAS"), "{err}");
    // Signatures required by --key: the unsigned champion is a model error (2).
    ok(dir, &["keygen", "--out", "keys/release"]);
    let err = fails(dir, &["serve", "--registry", "models", "--key", "keys/release.pub.pem"], 2);
    assert!(err.contains("sign"), "{err}");
}

/// The README's "Serve the churn model" section, as written: its `amber` lines (the server on an
/// ephemeral port instead of 8080), each `curl` request replayed (path, content type, body, and
/// the `head -3` pipe), then its drift example.
#[test]
fn readme_serve_section_works_as_written() {
    let readme = include_str!("../../../README.md");
    let section = readme.split("## Serve the churn model").nth(1).unwrap().split("\n## ").next().unwrap();
    let blocks: Vec<&str> = section.split("```sh").skip(1).filter_map(|b| b.split("```").next()).collect();
    assert_eq!(blocks.len(), 3, "train and serve; curl; drift");
    let commands = |block: &str| -> Vec<String> {
        block
            .lines()
            .map(|l| l.split("  #").next().unwrap_or_default().trim().to_string())
            .filter(|l| !l.is_empty())
            .collect()
    };
    let tmp = scratch();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("datasets")).unwrap();
    std::fs::copy(dataset("telco_churn"), dir.join("datasets/telco_churn.csv")).unwrap();

    let first = commands(blocks[0]);
    let train: Vec<&str> = first[0].split_whitespace().skip(1).collect();
    ok(dir, &train);
    let serve_args: Vec<&str> = first[1].split_whitespace().skip(2).collect();
    let (server, _) = serve(dir, &serve_args);
    let requests = commands(blocks[1]);
    assert_eq!(requests.len(), 5, "{requests:?}");
    for line in requests {
        // `[head -3 FILE |] curl -s URL [-H 'content-type: T'] [-d 'BODY' | --data-binary @-] [| …]`
        let (input, curl) = match line.split_once(" | curl ") {
            Some((head, rest)) => (Some(head.to_string()), format!("curl {rest}")),
            None => (None, line.clone()),
        };
        let curl = curl.split(" | ").next().unwrap().to_string();
        let url =
            curl.split_whitespace().find(|w| w.trim_matches('\'').starts_with("localhost:8080")).unwrap();
        let path = url.trim_matches('\'').trim_start_matches("localhost:8080");
        let content_type = curl
            .split("-H 'content-type: ")
            .nth(1)
            .and_then(|t| t.split('\'').next())
            .unwrap_or("text/plain");
        let body = match (curl.split(" -d '").nth(1), &input) {
            (Some(b), _) => b.rsplit_once('\'').unwrap().0.to_string(),
            (None, Some(head)) => {
                let file = head.split_whitespace().last().unwrap();
                let text = std::fs::read_to_string(dir.join(file)).unwrap();
                text.lines().take(3).map(|l| format!("{l}\n")).collect()
            }
            (None, None) => String::new(),
        };
        let method = if body.is_empty() { "GET" } else { "POST" };
        let (status, answer) = http(&server.addr, method, path, content_type, &body);
        assert_eq!(status, 200, "{line}\n{answer}");
        if path.contains("predict") {
            let answer: serde_json::Value = serde_json::from_str(&answer).unwrap();
            assert_eq!(answer["version"], serde_json::json!(1), "{line}");
        }
    }
    drop(server);
    let drift_line = commands(blocks[2]).remove(0);
    let drift: Vec<String> = drift_line
        .split_whitespace()
        .skip(1)
        .map(|a| {
            if a.contains('*') {
                let found: Vec<String> = std::fs::read_dir(dir.join("models"))
                    .unwrap()
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with("telco_churn_") && n.ends_with(".amber"))
                    .collect();
                assert_eq!(found.len(), 1, "{found:?}");
                format!("models/{}", found[0])
            } else {
                a.to_string()
            }
        })
        .collect();
    let drift: Vec<&str> = drift.iter().map(String::as_str).collect();
    let o = amber(dir, &drift);
    // The training data against all of it: nothing drifts, and no metric drops.
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("dataset drift: no"), "{}", stdout(&o));
}

/// Training and serving on two "machines" that share only an S3 bucket (`s3s-fs` on loopback):
/// `amber train --registry s3://…` saves and promotes there, `amber serve --registry s3://…`
/// serves the champion from there, and a promotion made later by another `amber` process reaches
/// the running server through the bucket. Nothing is written to the local disk.
#[test]
fn train_and_serve_through_an_s3_registry() {
    let Some(store) = s3s::S3Server::start("train_and_serve_through_an_s3_registry", "models").unwrap()
    else {
        return;
    };
    let tmp = scratch();
    let dir = tmp.path();
    let env = store.env();
    let registry = store.url("team/iris");
    let iris = dataset("iris");
    let train_s3 = |model: &str| {
        let args = [
            "train",
            "--json",
            "-q",
            "--data",
            iris.to_str().unwrap(),
            "--target",
            "species",
            "--model",
            model,
            "--registry",
            &registry,
            "--name",
            "iris",
        ];
        let o = amber_with_env(dir, &env, &args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        serde_json::from_str::<serde_json::Value>(&stdout(&o)).unwrap()
    };
    let first = train_s3("dt");
    assert_eq!(first["version"], serde_json::json!(1), "{first}");
    assert!(
        first["path"]
            .as_str()
            .unwrap()
            .starts_with("s3://models/team/iris/iris_decision_tree_classifier_v1_"),
        "{first}"
    );
    assert!(store.object_path("team/iris/aliases/iris.champion.json").is_file());

    let (server, before) = serve_with_env(dir, &env, &["--registry", &registry, "--poll", "100ms"]);
    assert_eq!(before, ["serving iris@champion: v1"]);
    let csv = "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n";
    let predict = |addr: &str| {
        let (status, body) = http(addr, "POST", "/v1/models/iris/predict", "text/csv", csv);
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<serde_json::Value>(&body).unwrap()
    };
    let answer = predict(&server.addr);
    assert_eq!(
        (answer["predictions"].clone(), answer["version"].clone()),
        (serde_json::json!(["setosa", "virginica"]), serde_json::json!(1))
    );

    // Another process trains v2 into the bucket and moves the champion to it: the server swaps.
    let second = train_s3("lr");
    assert_eq!(second["version"], serde_json::json!(2), "{second}");
    let o = amber_with_env(dir, &env, &["models", "--registry", &registry, "promote", "iris", "2"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The server polls every 100 ms; a minute is only a bound for a broken swap.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while predict(&server.addr)["version"] != serde_json::json!(2) {
        assert!(std::time::Instant::now() < deadline, "the server never swapped to v2");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let listed = amber_with_env(dir, &env, &["models", "--registry", &registry, "list", "iris"]);
    assert!(stdout(&listed).contains("v2") && stdout(&listed).contains('*'), "{}", stdout(&listed));
    assert_eq!(std::fs::read_dir(dir).unwrap().count(), 0, "nothing written locally");
}
