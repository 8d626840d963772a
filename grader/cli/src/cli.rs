//! The command line, as clap types only: parsing does no I/O.

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "kata",
    version,
    about = "A workbook of graded concurrency exercises in Rust.",
    after_help = "Start with `cargo kata next`. Each exercise is a crate in exercises/: edit its src/lib.rs, then `cargo kata check <id>`."
)]
pub struct Cli {
    /// When to colour the output.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colour when writing to a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the first exercise you have not passed yet, and how to start it.
    Next,
    /// List every exercise with its status.
    List,
    /// Build an exercise and run its hidden checks.
    Check(CheckArgs),
    /// Show the hints of an exercise, from a nudge to nearly the answer.
    Hint {
        /// The exercise: `14`, `ex14` or `ex14-thread-pool-downloader`.
        exercise: String,
        /// How many hints to show (1 to 3); by default, one more than you
        /// have seen so far.
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=3))]
        level: Option<u8>,
    },
    /// Put the original stub back, keeping a backup of your file.
    Reset {
        /// The exercise: `14`, `ex14` or `ex14-thread-pool-downloader`.
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        exercise: Option<String>,
        /// Every exercise, each changed file kept in .kata-backups/ (your
        /// progress stays).
        #[arg(long)]
        all: bool,
    },
    /// Your progress in short, or `export` / `import` to move it to another
    /// machine or an updated workbook.
    Progress {
        #[command(subcommand)]
        action: Option<ProgressAction>,
    },
    /// Check the current exercise on every save, and move on when it passes.
    Watch {
        /// Start with this exercise instead of the next one not passed.
        exercise: Option<String>,
        /// Look for changes every half second instead of waiting for the
        /// system's file events (for network mounts, WSL, some editors).
        #[arg(long)]
        poll: bool,
    },
    /// Check this machine and workbook: toolchain, clippy, cores, load, mdbook.
    Doctor,
    /// Print a shell completion script: `kata completions bash > ~/.local/share/bash-completion/completions/kata`.
    Completions { shell: clap_complete::Shell },
    /// Build the book (with mdbook) and open it in your browser.
    Book {
        /// Serve it instead, rebuilding as the chapters change.
        #[arg(long)]
        serve: bool,
        /// Build it without opening a browser.
        #[arg(long)]
        no_open: bool,
    },
    /// Builds an exercise's checks without running anything (what `kata next`
    /// starts in the background).
    #[command(hide = true)]
    Prebuild { exercise: String },
    /// mdbook's preprocessor hook: adds each exercise's hints from kata.toml.
    #[command(hide = true)]
    BookPreprocessor {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Show the reference solution of an exercise you have passed.
    Solution {
        /// The exercise: `14`, `ex14` or `ex14-thread-pool-downloader`.
        exercise: String,
        /// Show it even though you have not passed the exercise yet.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The exercise: `14`, `ex14` or `ex14-thread-pool-downloader`.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub exercise: Option<String>,
    /// Check every exercise, in order.
    #[arg(long)]
    pub all: bool,
    /// Run the checks against the reference solution instead of your code.
    #[arg(long)]
    pub solution: bool,
    /// `human` for people; `json` or `junit` for scripts and a teacher's CI
    /// (one document on stdout; the JSON schema is in `kata check --help`'s
    /// source, grader/cli/src/cmd/check.rs).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Run the model checks on one schedule only, as a failing model check
    /// printed it (`random-17`, `pct-4`), to see its interleaving again.
    #[arg(long, value_name = "SCHEDULE")]
    pub replay: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// JUnit XML, which most CI systems show as test results.
    Junit,
}

#[derive(Debug, Subcommand)]
pub enum ProgressAction {
    /// Write your progress as JSON, exercises by name (not number), so that
    /// it imports into a workbook that has since added or renumbered some.
    Export {
        /// Write it to FILE instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
    /// Merge an exported file into this workbook's progress: a pass stays a
    /// pass; the better medal, the higher hint level, the most attempts win.
    Import { file: std::path::PathBuf },
}
