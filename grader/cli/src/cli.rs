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
    /// For the workbook's authors: scaffold an exercise (`kata dev new`),
    /// verify the whole workbook (`kata dev check`). See README.md,
    /// "Developing kata".
    #[command(hide = true)]
    Dev {
        #[command(subcommand)]
        action: DevAction,
    },
    /// Grade a class: each student's submission, in a copy of this (the
    /// teacher's) workbook, into DIR/report.html, report.csv, report.json
    /// and junit/<student>.xml.
    Grade(GradeArgs),
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
    /// Records nothing: it is no check of the whole exercise.
    #[arg(long, value_name = "SCHEDULE", conflicts_with = "all")]
    pub replay: Option<String>,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Each submission is a folder, a tarball (.tar, .tar.gz, .tgz) or a git bundle (.bundle) \
named after its student, holding a whole workbook or just exercises/<slug>/src/lib.rs files. Only those \
files are graded; everything else is this workbook's. Exit codes: 0 graded (whatever the grades), 2 kata \
could not grade (the class, or some of its cells: each says why in the reports, and the rest is graded). The formats are described in the book's chapter \"Teaching with kata\"."
)]
pub struct GradeArgs {
    /// The submissions; with `--merge`, the shard reports (report.json) to merge.
    #[arg(required = true, value_name = "SUBMISSION")]
    pub submissions: Vec<std::path::PathBuf>,
    /// Where to write the reports (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: std::path::PathBuf,
    /// Merge shard reports of `kata grade` (same grader) into one.
    #[arg(long)]
    pub merge: bool,
    /// How many submissions to grade at once. Default: 1 on a machine with
    /// 2 cores or fewer (two timing checks at once would measure each other
    /// and come out inconclusive), else half the cores.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: Option<u16>,
    /// Grade only these exercises (`ex01,ex13`); default: every exercise.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub exercises: Vec<String>,
    /// List each student's files that differ from this workbook outside
    /// `exercises/*/src/` (never used by the grade).
    #[arg(long)]
    pub audit: bool,
    /// Cargo's target dir for the grading builds (default: under this
    /// workbook's target dir, kept between runs so builds stay warm).
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<std::path::PathBuf>,
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

/// `kata dev`: the workbook's developer tooling (hidden from learners).
#[derive(Debug, Subcommand)]
pub enum DevAction {
    /// Scaffold a new exercise: stub, solution, checks crate, chapter, its
    /// entry in kata.toml and its line in the book, in curriculum order.
    New(DevNewArgs),
    /// Verify the workbook: the manifest and the folders agree, every
    /// solution passes, every stub fails, and every known-wrong, known-right
    /// and hostile file gets the verdict its header says.
    Check(DevCheckArgs),
    /// The packages a model checker's build compiles (each model-checked
    /// exercise's checks and solution), one a line: what CI lints with it.
    Packages {
        #[arg(long, value_enum)]
        model: ModelArg,
    },
}

#[derive(Debug, clap::Args)]
pub struct DevNewArgs {
    /// `exNN-name`: the number places it in the curriculum.
    pub slug: String,
    /// The title learners see (default: the name in words).
    #[arg(long)]
    pub title: Option<String>,
    /// What it teaches, in a line.
    #[arg(long)]
    pub topic: Option<String>,
    /// The book's part to list the chapter in (a `# Part` of SUMMARY.md;
    /// default: the part of the exercise before it).
    #[arg(long)]
    pub part: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct DevCheckArgs {
    /// Only these exercises (`ex01 ex04`); default: all.
    pub exercises: Vec<String>,
    /// Only that the manifest and the folders agree: build nothing.
    #[arg(long)]
    pub structure: bool,
    /// `human` (a table per exercise, then the problems) or `json`.
    #[arg(long, value_enum, default_value_t = DevFormat::Human)]
    pub format: DevFormat,
    /// Cargo's target dir for the fixtures' builds (default:
    /// `kata-dev/target` under this workbook's target dir).
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<std::path::PathBuf>,
    /// Only the fixtures whose path holds this (`tests/wrong/`, `blind_`,
    /// `solutions/`); may be given more than once.
    #[arg(long, value_name = "TEXT")]
    pub only: Vec<String>,
    /// Grade each fixture this many times, and tally how often each got
    /// the verdict its header says (a flaky check shows as less than all).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub repeat: u16,
    /// Grade this many exercises at once, each in a copy and a target dir
    /// of its own (`<target-dir>-2`, ...): each is a load on the other.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=8))]
    pub jobs: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    Shuttle,
    Loom,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DevFormat {
    Human,
    Json,
}
