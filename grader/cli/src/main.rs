//! `kata`: the workbook's command line. This file only dispatches; each verb
//! lives in `cmd/`, the grading itself in the `kata-core` crate.
//!
//! Exit codes: 0 all well (every check passed), 1 a check failed or code did
//! not compile, 2 kata itself could not do what was asked (bad input, no
//! workbook, no cargo, an exercise it could not check). `kata grade` exits 0
//! once every cell of a class is graded, whatever the students' grades.

mod cli;
mod cmd;
mod render;

use clap::Parser;
use cli::{Cli, Command};
use kata_core::workbook::Workbook;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Started by the grader's own cargo as rustc's wrapper: become rustc.
    if std::env::var_os(kata_core::compile::WRAPPER_VARIABLE).is_some() {
        return kata_core::compile::wrap_rustc();
    }
    let cli = Cli::parse();
    render::set_color(cli.color);
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("kata: error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if let Command::Completions { shell } = cli.command {
        // Works anywhere, workbook or not.
        clap_complete::generate(
            shell,
            &mut <Cli as clap::CommandFactory>::command(),
            "kata",
            &mut std::io::stdout(),
        );
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::Grade(args) = &cli.command {
        if args.merge {
            // Merging reads reports only: no workbook needed.
            return cmd::grade::merge(args);
        }
    }
    let here = std::env::current_dir().map_err(|e| {
        anyhow::anyhow!("cannot tell which folder this is ({e}); run kata from inside the workbook")
    })?;
    let workbook = Workbook::discover(&here)?;
    match cli.command {
        Command::Next => cmd::next::run(&workbook),
        Command::List => cmd::list::run(&workbook),
        Command::Check(args) => cmd::check::run(&workbook, &args),
        Command::Hint { exercise, level } => cmd::hint::run(&workbook, &exercise, level),
        Command::Reset { exercise, all } => cmd::reset::run(&workbook, exercise.as_deref(), all),
        Command::Progress { action } => cmd::progress::run(&workbook, action),
        Command::Solution { exercise, force } => cmd::solution::run(&workbook, &exercise, force),
        Command::Doctor => cmd::doctor::run(&workbook),
        Command::Watch { exercise, poll } => cmd::watch::run(&workbook, exercise.as_deref(), poll),
        Command::Completions { .. } => unreachable!("handled before the workbook is needed"),
        Command::Book { serve, no_open } => cmd::book::run(&workbook, serve, !no_open),
        Command::BookPreprocessor { args } => cmd::book::preprocess(&workbook, &args),
        Command::Prebuild { exercise } => cmd::prebuild::run(&workbook, &exercise),
        Command::Grade(args) => cmd::grade::run(&workbook, &args),
        Command::Dev { action } => cmd::dev::run(&workbook, action),
    }
}
