//! The grader core of kata, apart from any terminal.
//!
//! The pipeline is discover → build → run → judge → report:
//!
//! - [`workbook`] finds the workbook from any folder inside it and reads the
//!   manifest ([`manifest`]), the one list of exercises.
//! - [`policy`] refuses what must not be built: a changed manifest, a build
//!   script, code outside the [`source_policy`]; after the build it reads
//!   rustc's dep-info of the learner's crate.
//! - [`compile`] builds an exercise's checks binary against the learner's crate
//!   or the reference solution, and keeps rustc's diagnostics when that fails.
//! - [`child`] runs a process with a time limit in its own process group,
//!   keeping a bounded amount of its output, and leaves nothing behind;
//!   [`sandbox`] confines a check's process (its environment, where it may
//!   write, what it may execute and signal) as far as the OS allows.
//! - [`grade`] lists the checks, runs each in its own process and judges what
//!   came back, into a [`report::ExerciseReport`]: plain data, rendered by the
//!   CLI (or serialised for a teacher's CI).
//! - [`progress`] keeps the plain-text record of passed exercises.
//!
//! A teacher's side: [`class`] grades many students' [`submission`]s with
//! that same [`grade`], each in a scratch copy of the teacher's workbook
//! ([`scratch`]), into a [`class_report`] (JSON, CSV; HTML and JUnit in
//! [`class_html`]), pinned to the grader that gave it ([`pin`]).
//!
//! The authors' side: [`dev`] says whether the workbook is right (the
//! layout, and every solution, stub and fixture graded by that same
//! [`grade`]) and scaffolds new exercises. [`replay`] reads a schedule to
//! run again.
//!
//! A learner's failure is data in the report; an [`Error`] means the grader
//! itself could not do its job.

pub mod channel;
pub mod child;
pub mod class;
pub mod class_html;
pub mod class_report;
pub mod compile;
pub mod dev;
mod error;
pub mod grade;
pub mod lint;
pub mod manifest;
pub mod pin;
pub mod policy;
pub mod progress;
pub mod replay;
pub mod report;
mod run;
pub mod sandbox;
pub mod scratch;
pub mod source_policy;
pub mod submission;
pub mod workbook;

pub use error::Error;
pub use kata_protocol::{Figure, Medal, Outcome, Status};
