use std::path::PathBuf;

/// Why the grader itself could not do its job (never "the learner's code is
/// wrong": that is a report). Each message says what happened and what to do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "no kata workbook here: neither {start} nor any folder above it holds `kata.toml`.\n\
         Run kata from inside the workbook you cloned (the folder with `kata.toml`, `exercises/` and `solutions/`)."
    )]
    NotInWorkbook { start: PathBuf },

    #[error("{path}:{line}: {reason}")]
    Manifest { path: PathBuf, line: usize, reason: String },

    #[error("{}", unknown_exercise(given, suggestion.as_deref(), valid))]
    UnknownExercise { given: String, suggestion: Option<String>, valid: Vec<String> },

    // The cause is part of the message, and deliberately not an error
    // `source`: `anyhow`'s `{:#}` at the CLI edge would print it twice.
    #[error("{what}: {cause}")]
    Io { what: String, cause: std::io::Error },

    #[error(
        "could not run cargo ({cause}).\n\
         kata builds exercises with cargo: install Rust from https://rustup.rs and make sure `cargo` is on your PATH."
    )]
    CargoMissing { cause: std::io::Error },

    #[error("{0}")]
    Grader(String),

    #[error("could not import {path}: {reason}. Nothing was imported.")]
    Import { path: PathBuf, reason: String },
}

fn unknown_exercise(given: &str, suggestion: Option<&str>, valid: &[String]) -> String {
    let mut text = format!("there is no exercise `{given}`.");
    if let Some(suggestion) = suggestion {
        text.push_str(&format!(" Did you mean `{suggestion}`?"));
    }
    text.push_str("\nExercises: ");
    text.push_str(&valid.join(", "));
    text.push_str(
        "\nName one by number (`14`), by id (`ex14`) or by slug (`ex14-thread-pool-downloader`).",
    );
    text
}

impl Error {
    pub(crate) fn io(what: impl Into<String>, cause: std::io::Error) -> Error {
        Error::Io { what: what.into(), cause }
    }
}
