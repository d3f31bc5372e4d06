//! The `heaplint` command line: parse arguments, run the library, render, pick the exit code.

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use heaplint::config::{RuleSelection, TargetVersion};
use heaplint::diagnostic::FileReport;
use heaplint::model::Severity;
use heaplint::report::{self, OutputFormat, RenderOptions};
use heaplint::resolve::{ConfigSource, Overrides, Resolver};
use heaplint::rules::Rule;

/// The parser allocates a node at a time, and jemalloc is markedly faster at that than glibc's
/// malloc (measured with `bench/run.sh`: 0.38 s against 0.44 s on CPython's standard library);
/// ruff makes the same choice. mimalloc was faster still but doubled the peak memory.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Exit codes: 0 clean, 1 a finding at or above `--fail-on` or a file that could not be
/// checked, 2 usage or internal errors (clap uses 2 for usage errors too).
const EXIT_FINDINGS: u8 = 1;
const EXIT_ERROR: u8 = 2;

/// Finds memory-unfriendly habits in Python code and says what each costs on CPython.
#[derive(Parser)]
#[command(name = "heaplint", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check Python files and directories.
    Check(CheckArgs),
    /// Show a rule's documentation, by code or name (`heaplint rule MEM201`), or list them all.
    Rule(RuleArgs),
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or directories to check. Files named here are always checked.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Rule codes or prefixes to enable (`MEM2`, `MEM201`, `ALL`); default: all.
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Rule codes or prefixes to disable; the more specific of `--select`/`--ignore` wins.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// How to print the findings (or set `HEAPLINT_OUTPUT_FORMAT`).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text, env = "HEAPLINT_OUTPUT_FORMAT")]
    output_format: OutputFormat,
    /// Write the report to this file (created or truncated) instead of standard output.
    #[arg(long, value_name = "PATH")]
    output_file: Option<PathBuf>,
    /// Exit with 0 even when there are findings.
    #[arg(long)]
    exit_zero: bool,
    /// The CPython version whose builtins and costs apply (py38 to py314; default: the
    /// configuration's, else its `requires-python`, else py312).
    #[arg(long, value_parser = parse_target)]
    target_version: Option<TargetVersion>,
    /// The trip count the cost model assumes for a loop whose count it cannot see (default 100).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    assume_iterations: Option<u64>,
    /// Show how each finding's cost was derived: the formulas with their numbers.
    #[arg(long)]
    show_derivation: bool,
    /// The least severity reported (default: the configuration's `min-severity`, else
    /// warning): `info` adds the zero-cost hints and the costs resting on assumed counts.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    min_severity: Option<Severity>,
    /// The least severity, among the findings reported, that makes the run exit 1 (default:
    /// the configuration's `fail-on`, else warning).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<Severity>,
    #[command(flatten)]
    configuration: ConfigArgs,
}

/// Configuration files, standard input and statistics (`docs/configuration.md`).
#[derive(clap::Args)]
struct ConfigArgs {
    /// Use this configuration file for every file, instead of the nearest one above each.
    #[arg(long, value_name = "PATH", conflicts_with = "isolated")]
    config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long)]
    isolated: bool,
    /// Rule codes or prefixes to enable on top of the selection.
    #[arg(long, value_delimiter = ',')]
    extend_select: Vec<String>,
    /// Apply the configuration's exclusions to paths named on the command line too.
    #[arg(long)]
    force_exclude: bool,
    /// Lint standard input (`-`) as if it were this file: its configuration and name apply.
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<PathBuf>,
    /// Print one line per rule (count, code, name, total cost) instead of the findings.
    #[arg(long)]
    statistics: bool,
}

/// Resolves the configuration and checks the paths (or standard input); `Err` is the exit
/// code of a usage or configuration error, already reported.
fn configured_reports(args: &CheckArgs) -> Result<Vec<FileReport>, ExitCode> {
    let fail = |message: String| {
        eprintln!("heaplint: {message}");
        ExitCode::from(EXIT_ERROR)
    };
    let options = &args.configuration;
    // Bad command-line selectors are the command line's fault, whatever the files say.
    RuleSelection::all()
        .with_layer(Some(&args.select), &options.extend_select, &args.ignore)
        .map_err(|error| fail(error.to_string()))?;
    let source = match (&options.config, options.isolated) {
        (_, true) => ConfigSource::Isolated,
        (Some(path), false) => ConfigSource::File(path.clone()),
        (None, false) => ConfigSource::Nearest,
    };
    let overrides = Overrides {
        select: (!args.select.is_empty()).then(|| args.select.clone()),
        extend_select: options.extend_select.clone(),
        ignore: args.ignore.clone(),
        target_version: args.target_version,
        assume_iterations: args.assume_iterations,
        min_severity: args.min_severity,
        fail_on: args.fail_on,
        retain_sources: args.output_format.needs_sources() && !options.statistics,
    };
    let resolver = Resolver::new(source, overrides).map_err(|e| fail(e.to_string()))?;
    let stdin = Path::new("-");
    let reads_stdin = args.paths.iter().any(|path| path == stdin);
    if !reads_stdin && options.stdin_filename.is_none() {
        return heaplint::check_paths(&args.paths, &resolver, options.force_exclude)
            .map_err(|e| fail(e.to_string()));
    }
    if args.paths.len() > 1 || (!reads_stdin && args.paths[0] != Path::new(".")) {
        return Err(fail(
            "standard input (`-`) cannot be checked together with other paths".to_string(),
        ));
    }
    let mut bytes = Vec::new();
    io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| fail(format!("could not read standard input: {e}")))?;
    let name = options.stdin_filename.as_deref().unwrap_or(stdin);
    let report = heaplint::check_stdin(&bytes, name, &resolver, options.force_exclude)
        .map_err(|e| fail(e.to_string()))?;
    Ok(report.into_iter().collect())
}

fn parse_target(value: &str) -> Result<TargetVersion, String> {
    value.parse()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check(args),
        Command::Rule(args) => explain(&args),
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let reports = match configured_reports(&args) {
        Ok(reports) => reports,
        Err(code) => return code,
    };
    let stdout = io::stdout();
    let options = RenderOptions {
        color: args.output_file.is_none()
            && stdout.is_terminal()
            && std::env::var_os("NO_COLOR").is_none(),
        width: 100,
        show_derivation: args.show_derivation,
    };
    let mut out: io::BufWriter<Box<dyn Write>> = match &args.output_file {
        None => io::BufWriter::new(Box::new(stdout.lock())),
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => io::BufWriter::new(Box::new(file)),
            Err(error) => {
                eprintln!("heaplint: could not write {}: {error}", path.display());
                return ExitCode::from(EXIT_ERROR);
            }
        },
    };
    let written = if args.configuration.statistics {
        let json = args.output_format == OutputFormat::Json;
        report::statistics::render(&reports, json, &mut out)
    } else {
        report::render(args.output_format, &reports, options, &mut out)
    }
    .and_then(|()| out.flush());
    if let Err(error) = written
        && error.kind() != io::ErrorKind::BrokenPipe
    {
        eprintln!("heaplint: could not write the report: {error}");
        return ExitCode::from(EXIT_ERROR);
    }
    if reports.iter().any(|report| report.internal_error) {
        return ExitCode::from(EXIT_ERROR);
    }
    if reports.iter().any(FileReport::fails) && !args.exit_zero {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

#[derive(clap::Args)]
struct RuleArgs {
    /// A rule code or name; without one, the rules are listed.
    #[arg(conflicts_with = "all")]
    rule: Option<String>,
    /// Print every rule's page.
    #[arg(long)]
    all: bool,
    /// `text`, or `json`: an object per rule (code, name, summary, documentation), an array
    /// of them for `--all` or the list.
    #[arg(long, value_enum, default_value_t = RuleFormat::Text)]
    output_format: RuleFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum RuleFormat {
    Text,
    Json,
}

fn rule_json(rule: Rule) -> serde_json::Value {
    let meta = rule.meta();
    serde_json::json!({
        "code": meta.code,
        "name": meta.name,
        "summary": meta.summary,
        "documentation": meta.documentation,
    })
}

fn explain(args: &RuleArgs) -> ExitCode {
    let one = match args
        .rule
        .as_deref()
        .map(|wanted| (wanted, Rule::find(wanted)))
    {
        Some((_, Some(rule))) => Some(rule),
        Some((wanted, None)) => {
            eprintln!("heaplint: no rule `{wanted}`; `heaplint rule` lists them");
            return ExitCode::from(EXIT_ERROR);
        }
        None => None,
    };
    let mut out = io::stdout().lock();
    let written = match (one, args.output_format) {
        (Some(rule), RuleFormat::Text) => write!(out, "{}", rule.documentation()),
        (Some(rule), RuleFormat::Json) => writeln!(out, "{:#}", rule_json(rule)),
        (None, RuleFormat::Json) => {
            let all: Vec<_> = Rule::ALL.iter().map(|&rule| rule_json(rule)).collect();
            writeln!(out, "{:#}", serde_json::Value::Array(all))
        }
        (None, RuleFormat::Text) if args.all => {
            Rule::ALL.iter().enumerate().try_for_each(|(index, rule)| {
                let separator = if index == 0 { "" } else { "\n" };
                write!(out, "{separator}{}", rule.documentation())
            })
        }
        (None, RuleFormat::Text) => Rule::ALL.iter().try_for_each(|rule| {
            let meta = rule.meta();
            writeln!(out, "{} {:<30} {}", meta.code, meta.name, meta.summary)
        }),
    };
    match written.and_then(|()| out.flush()) {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => ExitCode::from(EXIT_ERROR),
        _ => ExitCode::SUCCESS,
    }
}
