//! The `heaplint` command line: parse arguments, run the library, render, pick the exit code.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use heaplint::config::{RuleSelection, Settings, TargetVersion};
use heaplint::report::{self, OutputFormat, RenderOptions};
use heaplint::rules::Rule;

/// The parser allocates a node at a time, and jemalloc is markedly faster at that than glibc's
/// malloc (measured with `bench/run.sh`: 0.38 s against 0.44 s on CPython's standard library);
/// ruff makes the same choice. mimalloc was faster still but doubled the peak memory.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Exit codes: 0 clean, 1 findings or files that could not be checked, 2 usage or internal
/// errors (clap uses 2 for usage errors too).
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
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    output_format: OutputFormat,
    /// Exit with 0 even when there are findings.
    #[arg(long)]
    exit_zero: bool,
    /// The CPython version whose builtins and costs apply (py38 to py314).
    #[arg(long, default_value_t = TargetVersion::DEFAULT, value_parser = parse_target)]
    target_version: TargetVersion,
    /// The trip count the cost model assumes for a loop whose count it cannot see.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..))]
    assume_iterations: u64,
    /// Show how each finding's cost was derived: the formulas with their numbers.
    #[arg(long)]
    show_derivation: bool,
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
    let rules = match RuleSelection::from_selectors(&args.select, &args.ignore) {
        Ok(rules) => rules,
        Err(error) => {
            eprintln!("heaplint: {error}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let settings = Settings {
        rules,
        target: args.target_version,
        assume_iterations: args.assume_iterations,
        retain_sources: args.output_format == OutputFormat::Text,
        ..Settings::default()
    };
    let reports = heaplint::check_paths(&args.paths, &settings);
    let stdout = io::stdout();
    let options = RenderOptions {
        color: stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        width: 100,
        show_derivation: args.show_derivation,
    };
    let mut out = io::BufWriter::new(stdout.lock());
    let written =
        report::render(args.output_format, &reports, options, &mut out).and_then(|()| out.flush());
    if let Err(error) = written
        && error.kind() != io::ErrorKind::BrokenPipe
    {
        eprintln!("heaplint: could not write the report: {error}");
        return ExitCode::from(EXIT_ERROR);
    }
    if reports.iter().any(|report| report.internal_error) {
        return ExitCode::from(EXIT_ERROR);
    }
    let anything = reports.iter().any(|report| !report.diagnostics.is_empty());
    if anything && !args.exit_zero {
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
