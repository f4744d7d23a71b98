//! The training report in a real headless browser (Chromium): the page loads offline, its DOM
//! holds every expected figure and the metrics table, and every figure really renders (its
//! screenshot region has at least 3 distinct colours).
//!
//! Without a browser this test says it skipped; `.ci/run` installs Chromium and sets
//! `AMBER_REQUIRE_BROWSER=1`, so in CI a missing browser is a failure.

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn browser() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("AMBER_BROWSER") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-headless-shell", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// Runs the browser headless on `page` with `args` (its own profile directory, no network).
fn run_browser(browser: &Path, profile: &Path, page: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "browser failed: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// The RGB pixels of a PNG: (width, height, bytes).
fn pixels(path: &Path) -> (usize, usize, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let channels = info.color_type.samples();
    let rgb = buf[..info.buffer_size()].chunks(channels).flat_map(|p| p[..3].to_vec()).collect();
    (info.width as usize, info.height as usize, rgb)
}

/// The SVG elements of the page, in order.
fn svgs(html: &str) -> Vec<&str> {
    html.match_indices("<svg")
        .map(|(start, _)| {
            let end = html[start..].find("</svg>").unwrap() + start + "</svg>".len();
            &html[start..end]
        })
        .collect()
}

#[test]
fn report_renders_in_headless_chromium() {
    let Some(browser) = browser() else {
        assert!(
            std::env::var_os("AMBER_REQUIRE_BROWSER").is_none(),
            "AMBER_REQUIRE_BROWSER is set, but no chromium was found on PATH (or AMBER_BROWSER)"
        );
        // Straight to stderr, past the test harness's capture: a skip is always said.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"skipped report_renders_in_headless_chromium: no chromium on PATH (`.ci/run` installs it)\n",
        );
        return;
    };
    let tmp = scratch();
    let dir = tmp.path();
    // A forest on penguins: every figure, importances included.
    let data = dataset("penguins");
    train(
        dir,
        &[
            "--data",
            data.to_str().unwrap(),
            "--target",
            "species",
            "--model",
            "rf",
            "--param",
            "classifier.max_depth=2,null",
            "--report",
            "report",
        ],
    );
    let page = dir.join("report/report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("<script") && !html.contains("src=\"http") && !html.contains("href=\"http"),
        "self-contained"
    );

    // The DOM as the browser built it.
    let dom = String::from_utf8(run_browser(&browser, &dir.join("profile"), &page, &["--dump-dom"]).stdout)
        .unwrap();
    for id in ["confusion-matrix", "cv-scores", "roc", "precision-recall", "importances"] {
        let at = dom.find(&format!("<figure id=\"{id}\">")).unwrap_or_else(|| panic!("no figure {id}"));
        assert!(
            dom[at..].trim_start_matches(&format!("<figure id=\"{id}\">")).starts_with("<svg"),
            "{id} holds an <svg>"
        );
    }
    assert_eq!(dom.matches("<svg").count(), 5);
    // The cross-validation figure names its candidates on the axis, and the baseline beside them.
    let cv = &dom[dom.find("<figure id=\"cv-scores\">").unwrap()..];
    let cv = &cv[..cv.find("</figure>").unwrap()];
    for name in ["rf max_depth=2", "rf max_depth=null", "baseline (always "] {
        assert!(cv.contains(name), "{name} on the cross-validation figure");
    }
    assert!(dom.contains("<ul id=\"checks\">"), "the data checks' section");
    assert!(dom.contains("<table id=\"metrics\">") && dom.contains("test_accuracy"), "metrics table");
    for class in ["Adelie", "Chinstrap", "Gentoo"] {
        assert!(dom.contains(class), "{class} labelled");
    }

    // Each figure alone in a known place: a probe page stacks them, 700 px apart.
    let figures = svgs(&html);
    assert_eq!(figures.len(), 5);
    let mut probe = String::from("<!DOCTYPE html><html><body style=\"margin:0;background:#fff\">");
    for (i, svg) in figures.iter().enumerate() {
        probe.push_str(&format!("<div style=\"position:absolute;left:0;top:{}px\">{svg}</div>", i * 700));
    }
    probe.push_str("</body></html>");
    let probe_path = dir.join("report/probe.html");
    std::fs::write(&probe_path, probe).unwrap();
    let shot = dir.join("probe.png");
    let window = format!("--window-size=700,{}", figures.len() * 700);
    run_browser(
        &browser,
        &dir.join("profile"),
        &probe_path,
        &[&window, &format!("--screenshot={}", shot.display())],
    );
    let (width, height, rgb) = pixels(&shot);
    assert!(width >= 600 && height >= figures.len() * 700, "{width}×{height}");
    for i in 0..figures.len() {
        let mut colours = HashSet::new();
        for y in i * 700..i * 700 + 400 {
            for x in 0..480 {
                let p = (y * width + x) * 3;
                colours.insert((rgb[p], rgb[p + 1], rgb[p + 2]));
            }
        }
        assert!(colours.len() >= 3, "figure {i} rendered {} colour(s)", colours.len());
    }
    // And the page as a whole renders (not blank).
    let full = dir.join("full.png");
    run_browser(
        &browser,
        &dir.join("profile"),
        &page,
        &["--window-size=1200,1600", &format!("--screenshot={}", full.display())],
    );
    let (_, _, rgb) = pixels(&full);
    let distinct: HashSet<&[u8]> = rgb.chunks(3).collect();
    assert!(distinct.len() > 20, "{} colours on the page", distinct.len());
}
