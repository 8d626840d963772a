//! What passes between the grader and a checks binary.
//!
//! The grader calls the binary in one of two ways:
//!
//! ```text
//! <checks> --kata-list --result-fd 3         sends Message::Listed
//! <checks> --kata-run NAME --result-fd 3     sends Message::Ran for NAME
//! ```
//!
//! The result travels over a pipe the grader opened for this one run and
//! handed to the child as file descriptor 3 (elsewhere than Unix, a file in a
//! fresh folder whose name only the grader knows, `--out PATH`). Nothing the
//! learner's code prints reaches it, and the learner's crate is built under a
//! source policy that keeps it away from raw descriptors and files, so only
//! the harness writes there. The grader believes a result only if the run
//! also ended with exit code 0 and the result names the check it asked for;
//! the list of checks it runs comes from the build against the reference
//! solution, never from the learner's build.
//!
//! This crate is the bottom of the grader's crates: the grader core reads
//! it, the harness writes it, and neither needs the other.

mod schedule;
pub use schedule::Schedule;

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

    /// The outcome cut to a size the grader believes (well under
    /// [`MAX_MESSAGE`]): learner code may panic with megabytes of text.
    pub fn bounded(mut self) -> Outcome {
        fn cut(text: &mut String, at: usize) {
            if text.len() > at {
                let mut end = at;
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.truncate(end);
                text.push_str(" [... cut]");
            }
        }
        cut(&mut self.message, 16 << 10);
        self.details.truncate(500);
        self.details.iter_mut().for_each(|d| cut(d, 4 << 10));
        self.figures.truncate(100);
        for figure in &mut self.figures {
            cut(&mut figure.label, 1 << 10);
            cut(&mut figure.measured, 1 << 10);
            cut(&mut figure.required, 1 << 10);
        }
        if let Some(seed) = &mut self.seed {
            cut(seed, 1 << 10);
        }
        self
    }

    /// Adds several lines of report (a picture, a table) under the message.
    pub fn details(mut self, lines: impl IntoIterator<Item = impl Into<String>>) -> Outcome {
        self.details.extend(lines.into_iter().map(Into::into));
        self
    }
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

/// A passing outcome with a message.
pub fn pass(message: impl Into<String>) -> Outcome {
    Outcome::new(Status::Passed, message)
}

/// A failing outcome: the message says what happened and what to try next.
pub fn fail(message: impl Into<String>) -> Outcome {
    Outcome::new(Status::Failed, message)
}

/// Neither pass nor fail: the machine could not tell (say, too busy for a
/// speed-up to be measured). The message says why.
pub fn inconclusive(message: impl Into<String>) -> Outcome {
    Outcome::new(Status::Inconclusive, message)
}

/// The environment variables the grader sets for a check's process. The
/// check starts from an empty environment: these (and nothing of the
/// learner's shell) are all it finds.
pub mod var {
    /// The exercise's id, `ex03`.
    pub const EXERCISE: &str = "KATA_EXERCISE";
    /// How long the check may run, in whole seconds (`time-limit` in `kata.toml`).
    pub const TIME_LIMIT: &str = "KATA_TIME_LIMIT";
    /// Medal thresholds from `kata.toml`: `silver=0.15,gold=0.55`.
    pub const MEDALS: &str = "KATA_MEDALS";
    /// One schedule for the model checkers to replay (`random-17`, `pct-4`,
    /// `loom`: a [`Schedule`](crate::Schedule)).
    pub const REPLAY: &str = "KATA_REPLAY";
    /// Set when pictures must be drawn without colour or box characters.
    pub const PLAIN: &str = "KATA_PLAIN";
    /// The source file under check (the learner's `src/lib.rs` or the
    /// reference's), absolute, for checks that read how the code is built.
    pub const SOURCE: &str = "KATA_SOURCE";
}

/// The descriptor the grader hands a check's result pipe on (Unix).
pub const RESULT_FD: i32 = 3;

/// The most a result may weigh; a larger one is not believed.
pub const MAX_MESSAGE: usize = 4 << 20;

/// How std's panic begins when the system would not start a thread: at the
/// spawn, or in the new thread when its signal stack could not be mapped
/// (that one comes before the thread's code runs, where nothing catches it,
/// so the process aborts). The checks tell it from the panic; the grader
/// from what an aborted process printed.
pub const THREAD_REFUSED: [&str; 3] = [
    "failed to spawn thread",
    "failed to allocate an alternative stack",
    "failed to set up alternative stack guard page",
];

/// What a checks binary sends back over its result channel.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Message {
    /// The answer to `--kata-list`.
    Listed { checks: Vec<CheckInfo> },
    /// The answer to `--kata-run NAME`: NAME's outcome.
    Ran { check: String, outcome: Outcome },
}

impl Message {
    /// Reads a message the way the grader does: whole, within
    /// [`MAX_MESSAGE`], or not at all.
    pub fn parse(bytes: &[u8]) -> Option<Message> {
        if bytes.len() > MAX_MESSAGE {
            return None;
        }
        serde_json::from_slice(bytes).ok()
    }
}

/// The child's end of the result channel, taken from its arguments.
#[derive(Debug)]
pub struct Channel {
    sink: Sink,
}

#[derive(Debug)]
enum Sink {
    #[cfg(unix)]
    Pipe(std::fs::File),
    File(std::path::PathBuf),
}

impl Channel {
    /// The channel named by `--result-fd N` (Unix) or `--out PATH`.
    ///
    /// Call it first thing in `main`, before any learner code runs: it takes
    /// the descriptor over and moves it to a number of its own that is
    /// closed on `exec`.
    pub fn from_args(args: &[String]) -> Option<Channel> {
        let value = |flag: &str| {
            let at = args.iter().position(|a| a == flag)?;
            args.get(at + 1).cloned()
        };
        #[cfg(unix)]
        if let Some(fd) = value("--result-fd") {
            use std::os::fd::{FromRawFd, OwnedFd};
            let fd: i32 = fd.parse().ok().filter(|&fd| fd > 2)?;
            // Safety: the grader opened this descriptor for this process
            // alone and nothing else in it knows the number yet; owning it
            // here means it is closed exactly once.
            let handed = unsafe { OwnedFd::from_raw_fd(fd) };
            // A duplicate is close-on-exec; the handed number goes away.
            let kept = handed.try_clone().ok()?;
            drop(handed);
            return Some(Channel { sink: Sink::Pipe(std::fs::File::from(kept)) });
        }
        let path = value("--out")?;
        Some(Channel { sink: Sink::File(path.into()) })
    }

    /// Sends `message`, whole.
    pub fn send(&self, message: &Message) -> std::io::Result<()> {
        let bytes = serde_json::to_vec(message).map_err(std::io::Error::other)?;
        match &self.sink {
            #[cfg(unix)]
            Sink::Pipe(file) => {
                use std::io::Write;
                let mut file = file;
                file.write_all(&bytes)?;
                file.flush()
            }
            Sink::File(path) => {
                let tmp = path.with_extension("partial");
                std::fs::write(&tmp, &bytes)?;
                std::fs::rename(&tmp, path)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_and_oversized_ones_are_refused() {
        let message = Message::Ran {
            check: "order-kept".into(),
            outcome: pass("in order").figure("items", 3, "3"),
        };
        let bytes = serde_json::to_vec(&message).unwrap();
        assert_eq!(Message::parse(&bytes), Some(message));
        assert_eq!(Message::parse(b"{\"kind\":\"ran\""), None);
        let mut huge = bytes.clone();
        huge.resize(MAX_MESSAGE + 1, b' ');
        assert_eq!(Message::parse(&huge), None);
    }

    #[test]
    fn a_bounded_outcome_always_fits_the_channel() {
        let mut outcome = fail("é".repeat(5 << 20)).detail("x".repeat(1 << 20));
        for _ in 0..2000 {
            outcome = outcome.detail("line").figure("f".repeat(5000), "m", "r");
        }
        let outcome = outcome.bounded();
        let message = Message::Ran { check: "c".into(), outcome };
        let bytes = serde_json::to_vec(&message).unwrap();
        assert!(bytes.len() < MAX_MESSAGE, "{} bytes", bytes.len());
        assert!(Message::parse(&bytes).is_some());
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(human_duration(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(human_duration(Duration::from_secs(2)), "2 s");
        assert_eq!(human_duration(Duration::from_millis(250)), "250 ms");
        assert_eq!(human_duration(Duration::from_micros(2500)), "2.5 ms");
    }
}
