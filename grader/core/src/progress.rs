//! The learner's progress: which exercises `kata check` has seen pass.
//!
//! Only a passing `kata check` of the learner's own code records anything;
//! listing, hints or checking the reference solution never do.

use crate::workbook::Workbook;
use crate::Error;
use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// The progress file's name at the workbook root (git-ignored).
pub const FILE_NAME: &str = ".kata-progress";
const HEADER: &str = "# kata progress: written by `kata check`. Delete this file to start over.";

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Progress {
    passed: BTreeSet<String>,
    /// Something the learner should know about the file (it was set aside).
    pub warning: Option<String>,
}

impl Progress {
    pub fn has_passed(&self, slug: &str) -> bool {
        self.passed.contains(slug)
    }

    /// Reads the progress of `workbook`. A missing file is no progress; a file
    /// kata cannot read is moved aside (never deleted) with a warning.
    pub fn load(workbook: &Workbook) -> Result<Progress, Error> {
        let path = path(workbook);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Progress::default()),
            Err(e) => return Err(Error::io(format!("could not read {}", path.display()), e)),
        };
        match parse(&bytes) {
            Ok(passed) => Ok(Progress {
                passed,
                warning: None,
            }),
            Err(reason) => {
                let aside = set_aside(&path)?;
                Ok(Progress {
                    passed: BTreeSet::new(),
                    warning: Some(format!(
                        "your progress file could not be read ({reason}); it was moved to {} and kata starts from no progress. \
                         Passing an exercise again records it anew.",
                        workbook.relative(&aside).display()
                    )),
                })
            }
        }
    }

    /// Records that `slug` passed. Takes a lock on a companion file so that
    /// two kata processes (a watch and a check) never lose each other's
    /// records, re-reads the file under the lock, and replaces it atomically.
    pub fn record_pass(workbook: &Workbook, slug: &str) -> Result<(), Error> {
        let path = path(workbook);
        let lock_path = path.with_extension("lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io(format!("could not open {}", lock_path.display()), e))?;
        lock.lock()
            .map_err(|e| Error::io(format!("could not lock {}", lock_path.display()), e))?;
        let mut progress = Progress::load(workbook)?;
        progress.passed.insert(slug.to_string());
        write_atomically(&path, &render(&progress.passed))
    }
}

fn path(workbook: &Workbook) -> PathBuf {
    workbook.root().join(FILE_NAME)
}

// The format, one record a line; `#` starts a comment line:
//
//     # kata progress: written by `kata check`. ...
//     passed ex01-spawn-and-join
//     passed ex13-thread-pool
//
// Records of exercises the manifest no longer has are kept and ignored.
fn render(passed: &BTreeSet<String>) -> String {
    let mut text = format!("{HEADER}\n");
    for slug in passed {
        text.push_str(&format!("passed {slug}\n"));
    }
    text
}

fn parse(bytes: &[u8]) -> Result<BTreeSet<String>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not text".to_string())?;
    let mut passed = BTreeSet::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once(' ') {
            Some(("passed", slug)) if is_slug_like(slug) => {
                passed.insert(slug.to_string());
            }
            _ => return Err(format!("line {} is `{line}`", number + 1)),
        }
    }
    Ok(passed)
}

fn is_slug_like(s: &str) -> bool {
    s.starts_with("ex")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn set_aside(path: &Path) -> Result<PathBuf, Error> {
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let aside = path.with_file_name(format!("{FILE_NAME}.unreadable-{stamp}"));
    std::fs::rename(path, &aside)
        .map_err(|e| Error::io(format!("could not move {} aside", path.display()), e))?;
    Ok(aside)
}

/// Writes `text` to a temporary file beside `path`, syncs it, and renames it
/// over `path`: a crash leaves the old file or the new one, never half of one.
pub(crate) fn write_atomically(path: &Path, text: &str) -> Result<(), Error> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let written = File::create(&tmp).and_then(|mut file| {
        file.write_all(text.as_bytes())?;
        file.sync_all()
    });
    written
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io(format!("could not write {}", path.display()), e)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let passed: BTreeSet<String> = ["ex01-a".to_string(), "ex13-b".to_string()].into();
        assert_eq!(parse(render(&passed).as_bytes()).unwrap(), passed);
    }

    #[test]
    fn rejects_what_it_did_not_write() {
        assert_eq!(
            parse(b"passed ex01-a\nhello\n").unwrap_err(),
            "line 2 is `hello`"
        );
        assert_eq!(parse(b"\xff\xfe").unwrap_err(), "it is not text");
        assert!(parse(b"passed ../../etc\n").is_err());
    }
}
