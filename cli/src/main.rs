//! `exlogare analyze [FILE|-]`: why did this CI job fail?

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use exlogare_analysis::{self as analysis, Analyzer, Baseline, Excerpt, JobMeta, Report};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "exlogare",
    version,
    about = "Explains why a CI job failed, from its log."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse a job log and print the report.
    Analyze {
        /// The log file; `-` or nothing reads standard input.
        file: Option<PathBuf>,
        /// Output format: text (coloured on a terminal), json (the report contract) or markdown.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The job's name, used when the log alone does not tell the category.
        #[arg(long)]
        job_name: Option<String>,
        /// The job's stage.
        #[arg(long)]
        stage: Option<String>,
        /// The log of a passing run of the same job: lines it printed too are not causes.
        #[arg(long, value_name = "PASS_LOG")]
        baseline: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Markdown,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("exlogare: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let Command::Analyze {
        file,
        format,
        job_name,
        stage,
        baseline,
    } = cli.command;
    let meta = JobMeta {
        name: job_name,
        stage,
    };
    let baseline = baseline
        .map(|path| {
            std::fs::File::open(&path)
                .and_then(Baseline::from_reader)
                .map(|b| b.with_identity(path.display().to_string()))
                .with_context(|| format!("cannot read the baseline {}", path.display()))
        })
        .transpose()?;
    let analyzer = match baseline {
        Some(baseline) => Analyzer::with_baseline(meta, baseline),
        None => Analyzer::new(meta),
    };
    let report = match file.as_deref() {
        Some(path) if path.as_os_str() != "-" => std::fs::File::open(path)
            .and_then(|f| analyzer.read(f))
            .with_context(|| format!("cannot read {}", path.display()))?,
        _ => analyzer
            .read(std::io::stdin().lock())
            .context("cannot read standard input")?,
    };

    let stdout = std::io::stdout();
    let colour = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&report)? + "\n",
        Format::Markdown => markdown(&report),
        Format::Text => text(&report, colour),
    };
    let mut out = stdout.lock();
    // A closed pipe (`| head`) is not an error worth a message.
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn text(report: &Report, colour: bool) -> String {
    let paint = |code: &str, s: &str| {
        if colour {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    };
    let mut out = String::new();
    out.push_str(&format!(
        "{} {}  {}\n",
        paint("1;31", "✗"),
        paint("1", &report.summary),
        paint(
            "2",
            &format!(
                "[{} · confidence {:.2}]",
                report.category.as_str(),
                report.confidence
            )
        )
    ));
    for excerpt in &report.excerpts {
        out.push_str(&format!(
            "\n{}\n",
            paint(
                "2",
                &format!(
                    "lines {}–{}{}:",
                    excerpt.start_line,
                    excerpt.end_line,
                    novelty(excerpt)
                )
            )
        ));
        for line in excerpt.text.lines() {
            out.push_str(&format!("  {} {line}\n", paint("2", "│")));
        }
    }
    out.push('\n');
    if !report.locations.is_empty() {
        let locations: Vec<String> = report.locations.iter().map(location).collect();
        out.push_str(&format!(
            "{} {}\n",
            paint("1", "Where:"),
            locations.join(", ")
        ));
    }
    if !report.failing_tests.is_empty() {
        out.push_str(&format!(
            "{} {}\n",
            paint("1", "Failing tests:"),
            report.failing_tests.join(", ")
        ));
    }
    if let Some(command) = &report.failing_command {
        out.push_str(&format!("{} {command}\n", paint("1", "Failing command:")));
    }
    out.push_str(&format!("{} {}\n", paint("1;32", "Hint:"), report.hint));
    out.push_str(&paint(
        "2",
        &format!("fingerprint {}\n", report.fingerprint),
    ));
    out
}

/// What a comparison with a passing run says of an excerpt.
fn novelty(excerpt: &Excerpt) -> &'static str {
    match excerpt.new_since_baseline {
        Some(true) => " (new since the passing run)",
        Some(false) => " (the passing run printed these too)",
        None => "",
    }
}

fn location(l: &analysis::Location) -> String {
    match l.column {
        Some(c) => format!("{}:{}:{c}", l.path, l.line),
        None => format!("{}:{}", l.path, l.line),
    }
}

fn markdown(report: &Report) -> String {
    let mut out = format!(
        "### ✗ {}\n\n`{}` · confidence {:.2}\n",
        report.summary,
        report.category.as_str(),
        report.confidence
    );
    for excerpt in &report.excerpts {
        // A fence longer than any backtick run inside keeps the excerpt verbatim.
        let longest = excerpt
            .text
            .split(|c| c != '`')
            .map(str::len)
            .max()
            .unwrap_or(0);
        let fence = "`".repeat(longest.max(2) + 1);
        out.push_str(&format!(
            "\nLines {}–{}{}:\n\n{fence}\n{}\n{fence}\n",
            excerpt.start_line,
            excerpt.end_line,
            novelty(excerpt),
            excerpt.text
        ));
    }
    if !report.locations.is_empty() {
        let locations: Vec<String> = report
            .locations
            .iter()
            .map(|l| format!("`{}`", location(l)))
            .collect();
        out.push_str(&format!("\n**Where:** {}\n", locations.join(", ")));
    }
    if !report.failing_tests.is_empty() {
        out.push_str(&format!(
            "\n**Failing tests:** {}\n",
            report.failing_tests.join(", ")
        ));
    }
    out.push_str(&format!("\n**Hint:** {}\n", report.hint));
    out
}
