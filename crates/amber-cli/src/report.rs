//! The training report: one self-contained `report.html` (no script, no external file) with SVG
//! figures drawn by plotters: the confusion matrix, each candidate's cross-validation score with
//! its spread beside the baseline's, the data checks' findings, ROC and precision-recall curves (one-vs-rest per class beyond two classes), feature
//! importances of trees and forests, and the metrics table.
//!
//! ```
//! use amber_cli::report::{CandidateScore, Report};
//!
//! let report = Report {
//!     title: "demo".into(),
//!     subtitle: "four rows".into(),
//!     scoring: "accuracy".into(),
//!     labels: vec!["no".into(), "yes".into()],
//!     candidates: vec![CandidateScore { name: "lr".into(), mean: 0.75, std: 0.1, scores: vec![0.65, 0.85] }],
//!     y_true: vec![0, 0, 1, 1],
//!     y_pred: vec![0, 1, 1, 1],
//!     proba: ndarray::array![[0.9, 0.1], [0.4, 0.6], [0.3, 0.7], [0.2, 0.8]],
//!     baseline: Some(CandidateScore { name: "baseline".into(), mean: 0.5, std: 0.0, scores: vec![0.5, 0.5] }),
//!     findings: Vec::new(),
//!     importances: None,
//!     metrics: [("test_accuracy".to_string(), 0.75)].into(),
//! };
//! let html = report.html()?;
//! assert_eq!(html.matches("<svg").count(), 4); // confusion, CV scores, ROC, precision-recall
//! # Ok::<(), amber_cli::CliError>(())
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use amber_model_selection::metrics::{confusion_matrix, precision_recall_curve, roc_curve};
use amber_pipeline::{FittedClassifier, FittedPipeline};
use ndarray::Array2;
use plotters::coord::ranged1d::SegmentedCoord;
use plotters::coord::types::RangedCoordusize;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::{io_context, CliError};

/// One candidate's cross-validation result.
#[derive(Debug, Clone)]
pub struct CandidateScore {
    /// Its name in the leaderboard.
    pub name: String,
    /// Mean fold score.
    pub mean: f64,
    /// Standard deviation of the fold scores.
    pub std: f64,
    /// Each fold's score.
    pub scores: Vec<f64>,
}

impl CandidateScore {
    /// `name`'s cross-validation result.
    pub fn new(name: &str, cv: &amber_model_selection::CvResult) -> Self {
        CandidateScore { name: name.to_string(), mean: cv.mean, std: cv.std, scores: cv.scores.clone() }
    }
}

impl From<&amber_model_selection::Entry> for CandidateScore {
    fn from(e: &amber_model_selection::Entry) -> Self {
        CandidateScore::new(&e.name, &e.cv)
    }
}

/// What the report shows.
#[derive(Debug, Clone)]
pub struct Report {
    /// Page heading.
    pub title: String,
    /// One line under it (data, target, protocol).
    pub subtitle: String,
    /// The cross-validation scoring's name.
    pub scoring: String,
    /// Class labels, in class-index order.
    pub labels: Vec<String>,
    /// The leaderboard, best first.
    pub candidates: Vec<CandidateScore>,
    /// The majority-class baseline on the same folds (`name` says what it answers).
    pub baseline: Option<CandidateScore>,
    /// What the data checks found.
    pub findings: Vec<amber_model_selection::checks::Finding>,
    /// True class indices of the test rows.
    pub y_true: Vec<usize>,
    /// Predicted class indices of the test rows.
    pub y_pred: Vec<usize>,
    /// Predicted probabilities of the test rows (one column per label).
    pub proba: Array2<f64>,
    /// Feature importances (name, importance) of a tree or forest, if the model has them.
    pub importances: Option<Vec<(String, f64)>>,
    /// Metrics to tabulate.
    pub metrics: BTreeMap<String, f64>,
}

/// The feature importances of a pipeline whose classifier is a tree or a forest (from a file
/// written before format 1.2: none), named by the classifier's input columns.
pub fn importances(model: &FittedPipeline) -> Option<Vec<(String, f64)>> {
    let values = match &model.classifier.as_ref()?.model {
        FittedClassifier::DecisionTreeClassifier(m) => &m.feature_importances,
        FittedClassifier::RandomForestClassifier(m) => &m.feature_importances,
        _ => return None,
    };
    if values.is_empty() || values.len() != model.feature_names_out.len() {
        return None;
    }
    Some(model.feature_names_out.iter().cloned().zip(values.iter().copied()).collect())
}

type Figure = Result<String, CliError>;

/// `n` equal bands `0..n` on an axis, labelled at their centres (plotters' segmented range of
/// `0..=n-1`).
fn segments(n: usize) -> SegmentedCoord<RangedCoordusize> {
    (0..n.saturating_sub(1)).into_segmented()
}

fn plot_error<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> CliError {
    CliError::input(format!("drawing a figure: {e}"))
}

const BLUE: RGBColor = RGBColor(31, 119, 180);
const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// At most `n` characters, for labels in figures.
fn short(text: &str, n: usize) -> String {
    if text.chars().count() > n {
        format!("{}…", text.chars().take(n.saturating_sub(1)).collect::<String>())
    } else {
        text.to_string()
    }
}

impl Report {
    /// Writes `DIR/report.html` (creating `DIR`) and returns its path.
    pub fn write(&self, dir: &Path) -> Result<PathBuf, CliError> {
        std::fs::create_dir_all(dir).map_err(io_context(format!("create {}", dir.display())))?;
        let path = dir.join("report.html");
        std::fs::write(&path, self.html()?).map_err(io_context(format!("write {}", path.display())))?;
        Ok(path)
    }

    /// The page.
    pub fn html(&self) -> Result<String, CliError> {
        let mut figures = vec![
            ("confusion-matrix", "Confusion matrix (test rows)", self.confusion()?),
            (
                "cv-scores",
                "Cross-validation score of each candidate (folds, mean ± std; red: the baseline)",
                self.cv_scores()?,
            ),
        ];
        if self.y_true.is_empty() {
            figures.truncate(1);
        } else {
            figures.push(("roc", "ROC curves (test rows)", self.curve(true)?));
            figures.push(("precision-recall", "Precision-recall curves (test rows)", self.curve(false)?));
        }
        if let Some(imp) = &self.importances {
            figures.push(("importances", "Feature importances (mean decrease in impurity)", self.bars(imp)?));
        }
        let mut html = format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\n<style>\
             body{{font-family:sans-serif;margin:2em;color:#222}} figure{{display:inline-block;margin:1em;vertical-align:top}}\
             table{{border-collapse:collapse}} td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}</style></head>\n<body>\n\
             <h1>{}</h1>\n<p>{}</p>\n",
            escape(&self.title),
            escape(&self.title),
            escape(&self.subtitle)
        );
        for (id, caption, svg) in figures {
            html.push_str(&format!(
                "<figure id=\"{id}\">{svg}<figcaption>{}</figcaption></figure>\n",
                escape(caption)
            ));
        }
        html.push_str("<h2>Data checks</h2>\n<ul id=\"checks\">\n");
        if self.findings.is_empty() {
            html.push_str("<li>no finding: no test row repeats a training row, no identifier-like column, no feature alone predicts the target, no rare class</li>\n");
        }
        for f in &self.findings {
            let severity = f.severity.name();
            html.push_str(&format!(
                "<li class=\"{severity}\"><b>{severity}</b> ({}): {}</li>\n",
                f.kind.name(),
                escape(&f.message)
            ));
        }
        html.push_str("</ul>\n");
        html.push_str("<h2>Metrics</h2>\n<table id=\"metrics\"><tr><th>metric</th><th>value</th></tr>\n");
        for (name, value) in &self.metrics {
            html.push_str(&format!("<tr><td>{}</td><td>{value:.4}</td></tr>\n", escape(name)));
        }
        html.push_str(
            "</table>\n<h2>Candidates</h2>\n<table id=\"candidates\"><tr><th>#</th><th>candidate</th>",
        );
        html.push_str(&format!("<th>{} mean</th><th>std</th></tr>\n", escape(&self.scoring)));
        let rows = self
            .baseline
            .iter()
            .map(|b| ("–".to_string(), b))
            .chain(self.candidates.iter().enumerate().map(|(i, c)| ((i + 1).to_string(), c)));
        for (rank, c) in rows {
            html.push_str(&format!(
                "<tr><td>{rank}</td><td>{}</td><td>{:.4}</td><td>{:.4}</td></tr>\n",
                escape(&c.name),
                c.mean,
                c.std
            ));
        }
        html.push_str("</table>\n</body></html>\n");
        Ok(html)
    }

    fn confusion(&self) -> Figure {
        let k = self.labels.len();
        let cm = if self.y_true.is_empty() {
            vec![vec![0; k]; k]
        } else {
            confusion_matrix(&self.y_true, &self.y_pred, k)?
        };
        let max = cm.iter().flatten().copied().max().unwrap_or(0).max(1) as f64;
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (480, 440)).into_drawing_area();
            root.fill(&WHITE).map_err(plot_error)?;
            let mut chart = ChartBuilder::on(&root)
                .margin(10)
                .x_label_area_size(50)
                .y_label_area_size(90)
                .build_cartesian_2d(segments(k), segments(k))
                .map_err(plot_error)?;
            // Rows from the top: true class t is drawn at y = k - 1 - t.
            let name = |v: &SegmentValue<usize>, flip: bool| match v {
                SegmentValue::CenterOf(i) => {
                    let class = if flip { k.saturating_sub(1 + *i) } else { *i };
                    self.labels.get(class).map_or(String::new(), |l| short(l, 12))
                }
                _ => String::new(),
            };
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc("predicted")
                .y_desc("true")
                .x_labels(k + 1)
                .y_labels(k + 1)
                .x_label_formatter(&|v| name(v, false))
                .y_label_formatter(&|v| name(v, true))
                .draw()
                .map_err(plot_error)?;
            for (t, row) in cm.iter().enumerate() {
                for (p, &count) in row.iter().enumerate() {
                    let shade = count as f64 / max;
                    let fill = RGBColor(
                        (255.0 - shade * (255.0 - 31.0)) as u8,
                        (255.0 - shade * (255.0 - 119.0)) as u8,
                        (255.0 - shade * (255.0 - 180.0)) as u8,
                    );
                    let y = k - 1 - t;
                    let cell = [
                        (SegmentValue::Exact(p), SegmentValue::Exact(y)),
                        (SegmentValue::Exact(p + 1), SegmentValue::Exact(y + 1)),
                    ];
                    chart
                        .draw_series(std::iter::once(Rectangle::new(cell, fill.filled())))
                        .map_err(plot_error)?;
                    let ink = if shade > 0.5 { WHITE } else { BLACK };
                    let style =
                        ("sans-serif", 18).into_font().color(&ink).pos(Pos::new(HPos::Center, VPos::Center));
                    chart
                        .draw_series(std::iter::once(Text::new(
                            count.to_string(),
                            (SegmentValue::CenterOf(p), SegmentValue::CenterOf(y)),
                            style,
                        )))
                        .map_err(plot_error)?;
                }
            }
            root.present().map_err(plot_error)?;
        }
        Ok(svg)
    }

    /// One row per candidate, named on the axis, best at the top: each fold's score (grey), the
    /// mean ± std (the winner in orange), and the baseline's mean as a red line.
    fn cv_scores(&self) -> Figure {
        let n = self.candidates.len().max(1);
        let values = self
            .candidates
            .iter()
            .flat_map(|c| c.scores.iter().copied().chain([c.mean - c.std, c.mean + c.std]))
            .chain(self.baseline.iter().map(|b| b.mean));
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| (l.min(v), h.max(v)));
        let (lo, hi) = if lo.is_finite() && hi.is_finite() && hi > lo { (lo, hi) } else { (0.0, 1.0) };
        let pad = (hi - lo) * 0.1 + 1e-9;
        let names: Vec<String> = self.candidates.iter().map(|c| short(&c.name, 30)).collect();
        let mut svg = String::new();
        {
            let height = 90 + 24 * n as u32;
            let root = SVGBackend::with_string(&mut svg, (640, height)).into_drawing_area();
            root.fill(&WHITE).map_err(plot_error)?;
            let mut chart = ChartBuilder::on(&root)
                .margin(10)
                .x_label_area_size(40)
                .y_label_area_size(210)
                .build_cartesian_2d((lo - pad)..(hi + pad), segments(n))
                .map_err(plot_error)?;
            // Candidate i (0 = best) is drawn at the top: row n - 1 - i.
            chart
                .configure_mesh()
                .disable_y_mesh()
                .x_desc(self.scoring.as_str())
                .y_labels(n + 1)
                .y_label_formatter(&|v| match v {
                    SegmentValue::CenterOf(row) => {
                        names.get(n.saturating_sub(1 + *row)).cloned().unwrap_or_default()
                    }
                    _ => String::new(),
                })
                .draw()
                .map_err(plot_error)?;
            if let Some(b) = &self.baseline {
                let line = PathElement::new(
                    vec![(b.mean, SegmentValue::Exact(0)), (b.mean, SegmentValue::Exact(n))],
                    RGBColor(200, 0, 0).stroke_width(1),
                );
                chart
                    .draw_series(std::iter::once(line))
                    .map_err(plot_error)?
                    .label(format!("{}: {:.4}", short(&b.name, 40), b.mean))
                    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], RGBColor(200, 0, 0)));
                chart
                    .configure_series_labels()
                    .position(SeriesLabelPosition::LowerRight)
                    .background_style(WHITE.mix(0.8))
                    .border_style(BLACK)
                    .draw()
                    .map_err(plot_error)?;
            }
            for (i, c) in self.candidates.iter().enumerate() {
                let row = n - 1 - i;
                let colour = if i == 0 { PALETTE[1] } else { BLUE };
                let y = SegmentValue::CenterOf(row);
                chart
                    .draw_series(std::iter::once(ErrorBar::new_horizontal(
                        y.clone(),
                        c.mean - c.std,
                        c.mean,
                        c.mean + c.std,
                        colour.stroke_width(2),
                        10,
                    )))
                    .map_err(plot_error)?;
                chart
                    .draw_series(
                        c.scores
                            .iter()
                            .map(|&s| Circle::new((s, y.clone()), 3, RGBColor(120, 120, 120).filled())),
                    )
                    .map_err(plot_error)?;
                chart
                    .draw_series(std::iter::once(Circle::new((c.mean, y.clone()), 5, colour.filled())))
                    .map_err(plot_error)?;
            }
            root.present().map_err(plot_error)?;
        }
        Ok(svg)
    }

    /// ROC (`roc`) or precision-recall curves: the positive class for two classes, one curve per
    /// class (one-vs-rest) for more.
    fn curve(&self, roc: bool) -> Figure {
        let k = self.proba.ncols();
        let classes: Vec<usize> = if k == 2 { vec![1] } else { (0..k).collect() };
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (480, 440)).into_drawing_area();
            root.fill(&WHITE).map_err(plot_error)?;
            let mut chart = ChartBuilder::on(&root)
                .margin(10)
                .x_label_area_size(40)
                .y_label_area_size(50)
                .build_cartesian_2d(0.0..1.0, 0.0..1.02)
                .map_err(plot_error)?;
            let (x_desc, y_desc) =
                if roc { ("false positive rate", "true positive rate") } else { ("recall", "precision") };
            chart.configure_mesh().x_desc(x_desc).y_desc(y_desc).draw().map_err(plot_error)?;
            if roc {
                chart
                    .draw_series(LineSeries::new([(0.0, 0.0), (1.0, 1.0)], RGBColor(190, 190, 190)))
                    .map_err(plot_error)?;
            }
            for (n, &class) in classes.iter().enumerate() {
                let scores = self.proba.column(class).to_vec();
                let points: Vec<(f64, f64)> = if roc {
                    let c = roc_curve(&self.y_true, class, &scores)?;
                    c.fpr.into_iter().zip(c.tpr).filter(|(a, b)| a.is_finite() && b.is_finite()).collect()
                } else {
                    let c = precision_recall_curve(&self.y_true, class, &scores)?;
                    c.recall.into_iter().zip(c.precision).collect()
                };
                let colour = PALETTE[n % PALETTE.len()];
                let label = self.labels.get(class).map_or(String::new(), |l| short(l, 20));
                chart
                    .draw_series(LineSeries::new(points, colour.stroke_width(2)))
                    .map_err(plot_error)?
                    .label(label)
                    .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(2)));
            }
            chart
                .configure_series_labels()
                .position(if roc { SeriesLabelPosition::LowerRight } else { SeriesLabelPosition::LowerLeft })
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .draw()
                .map_err(plot_error)?;
            root.present().map_err(plot_error)?;
        }
        Ok(svg)
    }

    /// Horizontal bars of the 20 largest importances.
    fn bars(&self, importances: &[(String, f64)]) -> Figure {
        let mut top: Vec<&(String, f64)> = importances.iter().collect();
        top.sort_by(|a, b| b.1.total_cmp(&a.1));
        top.truncate(20);
        let n = top.len().max(1);
        let max = top.first().map_or(1.0, |t| t.1).max(1e-12);
        let names: Vec<String> = top.iter().map(|t| short(&t.0, 28)).collect();
        let mut svg = String::new();
        {
            let height = 80 + 22 * n as u32;
            let root = SVGBackend::with_string(&mut svg, (560, height)).into_drawing_area();
            root.fill(&WHITE).map_err(plot_error)?;
            let mut chart = ChartBuilder::on(&root)
                .margin(10)
                .x_label_area_size(40)
                .y_label_area_size(190)
                .build_cartesian_2d(0.0..max * 1.05, segments(n))
                .map_err(plot_error)?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .x_desc("importance")
                .y_labels(n + 1)
                .y_label_formatter(&|v| match v {
                    SegmentValue::CenterOf(i) => {
                        names.get(n.saturating_sub(1 + *i)).cloned().unwrap_or_default()
                    }
                    _ => String::new(),
                })
                .draw()
                .map_err(plot_error)?;
            chart
                .draw_series(top.iter().enumerate().map(|(i, t)| {
                    let y = n - 1 - i;
                    let bar = [(0.0, SegmentValue::Exact(y)), (t.1, SegmentValue::Exact(y + 1))];
                    Rectangle::new(bar, PALETTE[2].filled())
                }))
                .map_err(plot_error)?;
            root.present().map_err(plot_error)?;
        }
        Ok(svg)
    }
}
