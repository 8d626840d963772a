//! One file per verb.

pub mod book;
pub mod check;
pub mod dev;
pub mod doctor;
pub mod grade;
pub mod hint;
pub mod list;
pub mod next;
pub mod prebuild;
pub mod progress;
pub mod reset;
pub mod solution;
pub mod watch;

use kata_core::progress::Progress;
use kata_core::workbook::Workbook;

/// The learner's progress, with any warning about its file printed once.
pub fn progress(workbook: &Workbook) -> anyhow::Result<Progress> {
    let progress = Progress::load(workbook)?;
    if let Some(warning) = &progress.warning {
        eprintln!("kata: warning: {warning}");
    }
    Ok(progress)
}
