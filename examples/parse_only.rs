//! The floor heaplint's speed is measured against: find, read, decode and parse the same files
//! `heaplint check` would, with the same discovery, in parallel on the same thread pool, and do
//! nothing else.
//!
//!     cargo run --release --example parse_only -- [--show-files] [--isolated] [--walk] PATH...
//!
//! It prints how many files it parsed and how many had syntax errors; with `--show-files`, the
//! files `heaplint check` would check, one per line, instead (as `ruff check --show-files`
//! does, so that `bench/run.sh` can check that both tools see the same files). With
//! `--isolated`, no configuration file is read, as `heaplint check --isolated`: the benchmark
//! runs heaplint and ruff that way, and the floor must do the same discovery work they do.
//! `bench/run.sh` times it beside heaplint and ruff.
//!
//! With `--walk`, each parsed module is also visited, every statement and expression once, by
//! `ruff_python_ast`'s own visitor, doing nothing at each node. That is the least any linter
//! must add to a parse: `bench/stages.sh` uses it to show how much of heaplint's time over the
//! floor is the walk itself and how much is what heaplint does at each node.

use std::path::PathBuf;
use std::process::ExitCode;

use rayon::prelude::*;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, PySourceType, Stmt};

use heaplint::discover;
use heaplint::resolve::{ConfigSource, Overrides, Resolver};
use heaplint::source::SourceFile;

/// The same allocator as the `heaplint` binary, so that the two differ only in the work done.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Counts the nodes it is walked over: the cheapest work that still visits every one.
#[derive(Default)]
struct NodeCount {
    nodes: usize,
}

impl<'a> Visitor<'a> for NodeCount {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        self.nodes += 1;
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        self.nodes += 1;
        visitor::walk_expr(self, expr);
    }
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1).peekable();
    let (mut show_files, mut isolated, mut walk) = (false, false, false);
    // Flags come before the paths, so a path is never mistaken for one.
    while let Some(flag) =
        args.next_if(|arg| arg == "--show-files" || arg == "--isolated" || arg == "--walk")
    {
        match flag.to_str() {
            Some("--show-files") => show_files = true,
            Some("--isolated") => isolated = true,
            _ => walk = true,
        }
    }
    let paths: Vec<PathBuf> = args.map(PathBuf::from).collect();
    let source = if isolated {
        ConfigSource::Isolated
    } else {
        ConfigSource::Nearest
    };
    let resolver = match Resolver::new(source, Overrides::default()) {
        Ok(resolver) => resolver,
        Err(error) => {
            eprintln!("parse_only: {error}");
            return ExitCode::from(2);
        }
    };
    // Built before discovery, as `check_paths` does, which walks directories on it.
    let pool = heaplint::checking_pool();
    let discover = || discover::discover(&paths, &resolver, false);
    let discovered = match &pool {
        Ok(pool) => pool.install(discover),
        Err(_) => discover(),
    };
    let discovered = match discovered {
        Ok(discovered) => discovered,
        Err(error) => {
            eprintln!("parse_only: {error}");
            return ExitCode::from(2);
        }
    };
    if show_files {
        for (path, _) in &discovered.files {
            println!("{}", path.display());
        }
        return ExitCode::SUCCESS;
    }
    let parse = |path: &PathBuf| -> bool {
        SourceFile::read(path).is_ok_and(|source| {
            let parsed =
                ruff_python_parser::parse_unchecked_source(source.text(), PySourceType::Python);
            if walk {
                let mut count = NodeCount::default();
                count.visit_body(parsed.suite());
                // Kept observable, so that the optimiser cannot drop the walk.
                std::hint::black_box(count.nodes);
            }
            parsed.errors().is_empty()
        })
    };
    let parse_all = || {
        discovered
            .files
            .par_iter()
            .filter(|(path, _)| !parse(path))
            .count()
    };
    let failed = match &pool {
        Ok(pool) => pool.install(parse_all),
        Err(_) => parse_all(),
    };
    println!(
        "{} files parsed, {failed} could not be read or parsed",
        discovered.files.len()
    );
    ExitCode::SUCCESS
}
