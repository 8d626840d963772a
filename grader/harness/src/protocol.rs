//! What passes between the grader and a checks binary.
//!
//! The grader calls the binary in one of two ways:
//!
//! ```text
//! <checks> --kata-list --out FILE            writes Vec<CheckInfo> as JSON
//! <checks> --kata-run NAME --out FILE        writes one Outcome as JSON
//! ```
//!
//! Results go to a file named by the grader, never to stdout, so nothing the
//! learner's code prints can forge or garble them. The file is written to a
//! temporary name and renamed into place, so the grader sees all of it or none.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// One entry of `--kata-list`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct CheckInfo {
    pub name: String,
    pub about: String,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Passed,
    Failed,
    Inconclusive,
}

/// Medals beyond the pass, from least to best.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Medal {
    Bronze,
    Silver,
    Gold,
}

impl Medal {
    pub fn name(self) -> &'static str {
        match self {
            Medal::Bronze => "bronze",
            Medal::Silver => "silver",
            Medal::Gold => "gold",
        }
    }
}

/// A measured value set beside the value the check required of it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Figure {
    pub label: String,
    pub measured: String,
    pub required: String,
}

/// What one check concluded.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Outcome {
    pub status: Status,
    pub message: String,
    #[serde(default)]
    pub figures: Vec<Figure>,
    /// Extra lines shown under the message: a report, a table, a picture.
    #[serde(default)]
    pub details: Vec<String>,
    /// A medal beyond the pass, for exercises that award them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medal: Option<Medal>,
    /// The schedule that made a model check fail, for `kata check --replay`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
}

impl Outcome {
    pub fn new(status: Status, message: impl Into<String>) -> Outcome {
        Outcome {
            status,
            message: message.into(),
            figures: Vec::new(),
            details: Vec::new(),
            medal: None,
            seed: None,
        }
    }

    /// Awards a medal beyond the pass.
    pub fn medal(mut self, medal: Medal) -> Outcome {
        self.medal = Some(medal);
        self
    }

    /// Adds a measured value and what was required of it.
    pub fn figure(
        mut self,
        label: impl Into<String>,
        measured: impl ToString,
        required: impl Into<String>,
    ) -> Outcome {
        self.figures.push(Figure {
            label: label.into(),
            measured: measured.to_string(),
            required: required.into(),
        });
        self
    }

    /// Adds a line of report under the message.
    pub fn detail(mut self, line: impl Into<String>) -> Outcome {
        self.details.push(line.into());
        self
    }

    /// Adds several lines of report (a picture, a table) under the message.
    pub fn details(mut self, lines: impl IntoIterator<Item = impl Into<String>>) -> Outcome {
        self.details.extend(lines.into_iter().map(Into::into));
        self
    }
}

/// Writes `value` as JSON to `path`, atomically (temporary file + rename).
pub fn write_json<T: Serialize>(path: &std::path::Path, value: &T) -> std::io::Result<()> {
    let tmp = path.with_extension("partial");
    let text = serde_json::to_vec(value).map_err(std::io::Error::other)?;
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

/// `1.5 s`, `250 ms`: how durations are shown to people.
pub fn human_duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 1000.0 {
        let s = ms / 1000.0;
        if (s - s.round()).abs() < 0.05 {
            format!("{} s", s.round())
        } else {
            format!("{s:.1} s")
        }
    } else if ms >= 10.0 {
        format!("{} ms", ms.round())
    } else {
        format!("{ms:.1} ms")
    }
}
