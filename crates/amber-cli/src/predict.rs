//! `amber predict`: labels or probabilities for the rows of a CSV file, streamed in chunks.

use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use amber_data::{Column, ColumnKind, DataError, Table};
use amber_persistence::load_with;
use amber_pipeline::FittedPipeline;

use crate::error::{io_context, CliError};
use crate::output::KeyArgs;

/// Rows per chunk: memory holds one chunk of input and output, whatever the file's length.
pub const CHUNK_ROWS: usize = 8192;

/// Arguments of `amber predict`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  amber predict model.amber new_customers.csv --keep customerID -o predictions.csv\n  \
                        amber predict model.amber rows.csv --proba            # one column per class\n  \
                        cat rows.csv | amber predict model.amber -            # '-' reads stdin"
)]
pub struct Args {
    /// The model file (a pipeline saved by `amber train` or `amber_persistence::save`).
    model: PathBuf,
    /// The rows to predict: a CSV file with a header, or `-` for stdin. Columns are read with the
    /// kinds the model was trained on; extra columns are ignored.
    input: PathBuf,
    /// Also write each class's probability (`proba_<label>` columns).
    #[arg(long)]
    proba: bool,
    /// Copy this input column (an id) into the output; repeatable.
    #[arg(long, value_name = "COL")]
    keep: Vec<String>,
    /// Write here instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    keys: KeyArgs,
    /// Write JSON Lines instead of CSV: one object per row, `{"<kept column>": …, "prediction":
    /// …, "proba": {"<label>": …}}`.
    #[arg(long)]
    json: bool,
    /// Do not print warnings (unseen categories) on stderr.
    #[arg(short, long)]
    quiet: bool,
}

/// Unseen categories of one column, over the whole input.
struct Unseen {
    column: String,
    count: usize,
    first_rows: Vec<usize>,
}

fn json_cell(column: &Column, row: usize) -> serde_json::Value {
    match column {
        Column::Numeric(v) => {
            v.get(row).filter(|v| !v.is_nan()).map_or(serde_json::Value::Null, |v| (*v).into())
        }
        Column::Categorical(v) => v.get(row).cloned().flatten().map_or(serde_json::Value::Null, Into::into),
    }
}

/// Where predictions go: CSV with a heading, or JSON Lines.
enum Sink {
    Csv(Box<csv::Writer<BufWriter<Box<dyn Write>>>>),
    Json(BufWriter<Box<dyn Write>>),
}

impl Sink {
    fn new(
        writer: Box<dyn Write>,
        json: bool,
        keep: &[String],
        proba_labels: &[String],
    ) -> Result<Sink, CliError> {
        if json {
            return Ok(Sink::Json(BufWriter::new(writer)));
        }
        let mut out = csv::Writer::from_writer(BufWriter::new(writer));
        let heading = keep
            .iter()
            .cloned()
            .chain(["prediction".to_string()])
            .chain(proba_labels.iter().map(|l| format!("proba_{l}")));
        out.write_record(heading)?;
        Ok(Sink::Csv(Box::new(out)))
    }

    /// One row: the kept columns' cells, the label, and the probabilities if asked for.
    fn row(
        &mut self,
        kept: &[(&str, &Column)],
        row: usize,
        label: &str,
        proba: Option<(&[String], Vec<f64>)>,
    ) -> Result<(), CliError> {
        match self {
            Sink::Csv(out) => {
                let mut record: Vec<String> = kept.iter().map(|(_, c)| c.cell_text(row)).collect();
                record.push(label.to_string());
                record.extend(proba.into_iter().flat_map(|(_, p)| p).map(|v| v.to_string()));
                Ok(out.write_record(&record)?)
            }
            Sink::Json(out) => {
                let mut object: serde_json::Map<String, serde_json::Value> =
                    kept.iter().map(|(name, c)| (name.to_string(), json_cell(c, row))).collect();
                object.insert("prediction".into(), label.into());
                if let Some((labels, p)) = proba {
                    let by_label: serde_json::Map<String, serde_json::Value> =
                        labels.iter().cloned().zip(p.into_iter().map(Into::into)).collect();
                    object.insert("proba".into(), by_label.into());
                }
                serde_json::to_writer(&mut *out, &object)?;
                out.write_all(b"\n").map_err(io_context("write predictions".into()))
            }
        }
    }

    fn finish(self) -> Result<(), CliError> {
        let flushed = match self {
            Sink::Csv(mut out) => out.flush(),
            Sink::Json(mut out) => out.flush(),
        };
        flushed.map_err(io_context("write predictions".into()))
    }
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let (model, _) = load_with::<FittedPipeline>(&args.model, &args.keys.load_options()?)?;
    let stdin = args.input.as_os_str() == "-";
    let reader: Box<dyn Read> = if stdin {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(
            std::fs::File::open(&args.input)
                .map_err(|source| DataError::Io { file: args.input.clone(), source })?,
        )
    };
    let source: &Path = if stdin { Path::new("<stdin>") } else { &args.input };
    let mut options = model.schema.csv_options();
    for keep in &args.keep {
        options.kinds.entry(keep.clone()).or_insert(ColumnKind::Categorical);
    }
    let chunks = Table::csv_chunks(std::io::BufReader::new(reader), source, &options, CHUNK_ROWS).map_err(
        |e| match e {
            DataError::UnknownDeclaredColumn { file, name } => {
                let whose = if args.keep.contains(&name) { "--keep names" } else { "the model needs" };
                CliError::input(format!(
                    "{}: {whose} column {name:?}, but the header has no such column",
                    file.display()
                ))
            }
            other => other.into(),
        },
    )?;

    let sink: Box<dyn Write> = match &args.output {
        Some(path) => {
            Box::new(std::fs::File::create(path).map_err(io_context(format!("create {}", path.display())))?)
        }
        None => Box::new(std::io::stdout().lock()),
    };
    let proba_labels = if args.proba { model.proba_labels()? } else { Vec::new() };
    let mut out = Sink::new(sink, args.json, &args.keep, &proba_labels)?;

    let mut unseen: Vec<Unseen> = Vec::new();
    let mut offset = 0usize;
    for chunk in chunks {
        let chunk = chunk?;
        let prediction = model.predict_full(&chunk, args.proba).map_err(|e| e.offset_rows(offset))?;
        for u in prediction.report.unseen_categories {
            let rows = u.rows.iter().map(|r| r + offset);
            match unseen.iter_mut().find(|x| x.column == u.column) {
                Some(entry) => {
                    entry.count += u.count;
                    let room = 5usize.saturating_sub(entry.first_rows.len());
                    entry.first_rows.extend(rows.take(room));
                }
                None => unseen.push(Unseen {
                    column: u.column,
                    count: u.count,
                    first_rows: rows.take(5).collect(),
                }),
            }
        }
        let (labels, proba) = (prediction.labels, prediction.probabilities);
        let kept: Vec<(&str, &Column)> =
            args.keep.iter().map(|k| Ok((k.as_str(), chunk.column(k)?))).collect::<Result<_, DataError>>()?;
        for (row, label) in labels.iter().enumerate() {
            let p = proba.as_ref().map(|p| (proba_labels.as_slice(), p.row(row).to_vec()));
            out.row(&kept, row, label, p)?;
        }
        offset += chunk.n_rows();
    }
    out.finish()?;
    if !args.quiet {
        for u in &unseen {
            let rows: Vec<String> = u.first_rows.iter().map(usize::to_string).collect();
            let more = if u.count > u.first_rows.len() { ", …" } else { "" };
            eprintln!(
                "warning: column {:?}: {} row(s) have a category not seen in training (rows {}{more}); they are encoded as all-zero",
                u.column,
                u.count,
                rows.join(", ")
            );
        }
    }
    Ok(())
}
