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

fn cell(column: &Column, row: usize) -> String {
    match column {
        Column::Numeric(v) => v.get(row).filter(|v| !v.is_nan()).map(f64::to_string).unwrap_or_default(),
        Column::Categorical(v) => v.get(row).cloned().flatten().unwrap_or_default(),
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
    let mut out = csv::Writer::from_writer(BufWriter::new(sink));
    let proba_labels = if args.proba { model.proba_labels()? } else { Vec::new() };
    let mut heading: Vec<String> = args.keep.clone();
    heading.push("prediction".into());
    heading.extend(proba_labels.iter().map(|l| format!("proba_{l}")));
    out.write_record(&heading)?;

    let mut unseen: Vec<Unseen> = Vec::new();
    let mut offset = 0usize;
    for chunk in chunks {
        let chunk = chunk?;
        let report = model.check_input(&chunk).map_err(|e| e.offset_rows(offset))?;
        for u in report.unseen_categories {
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
        let labels = model.predict(&chunk).map_err(|e| e.offset_rows(offset))?;
        let proba = if args.proba {
            Some(model.predict_proba(&chunk).map_err(|e| e.offset_rows(offset))?)
        } else {
            None
        };
        let kept: Vec<&Column> = args.keep.iter().map(|k| chunk.column(k)).collect::<Result<_, _>>()?;
        for (row, label) in labels.iter().enumerate() {
            let mut record: Vec<String> = kept.iter().map(|c| cell(c, row)).collect();
            record.push(label.clone());
            if let Some(p) = &proba {
                record.extend(p.row(row).iter().map(|v| v.to_string()));
            }
            out.write_record(&record)?;
        }
        offset += chunk.n_rows();
    }
    out.flush().map_err(io_context("write predictions".into()))?;
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
