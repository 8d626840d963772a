//! The learner's progress: which exercises `kata check` has seen pass.
//!
//! Only a passing `kata check` of the learner's own code records a pass (and
//! its medal); `kata hint` records how far up the hint ladder the learner has
//! climbed. Listing or checking the reference solution records nothing.

use crate::workbook::Workbook;
use crate::Error;
use std::collections::{BTreeMap, BTreeSet};
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
    /// The highest hint level shown, per exercise.
    hints: BTreeMap<String, u8>,
    /// The best medal earned, per exercise (exercises that award them).
    medals: BTreeMap<String, String>,
    /// Something the learner should know about the file (it was set aside).
    pub warning: Option<String>,
}

/// Medals from least to best; an unknown name ranks lowest.
const MEDALS: [&str; 3] = ["bronze", "silver", "gold"];

fn medal_rank(medal: &str) -> usize {
    MEDALS.iter().position(|m| *m == medal).map_or(0, |p| p + 1)
}

impl Progress {
    pub fn has_passed(&self, slug: &str) -> bool {
        self.passed.contains(slug)
    }

    /// The highest hint level the learner has seen for `slug` (0: none).
    pub fn hints_seen(&self, slug: &str) -> u8 {
        self.hints.get(slug).copied().unwrap_or(0)
    }

    /// The best medal earned on `slug`, if any.
    pub fn medal(&self, slug: &str) -> Option<&str> {
        self.medals.get(slug).map(String::as_str)
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
            Ok(progress) => Ok(progress),
            Err(reason) => {
                let aside = set_aside(&path)?;
                Ok(Progress {
                    warning: Some(format!(
                        "your progress file could not be read ({reason}); it was moved to {} and kata starts from no progress. \
                         Passing an exercise again records it anew.",
                        workbook.relative(&aside).display()
                    )),
                    ..Progress::default()
                })
            }
        }
    }

    /// Records that `slug` passed, with the medal it earned if it awards one
    /// (a better medal replaces a lesser one, never the reverse).
    pub fn record_pass(workbook: &Workbook, slug: &str, medal: Option<&str>) -> Result<(), Error> {
        update(workbook, |progress| {
            progress.passed.insert(slug.to_string());
            if let Some(medal) = medal {
                let better = progress
                    .medals
                    .get(slug)
                    .is_none_or(|old| medal_rank(medal) > medal_rank(old));
                if better {
                    progress.medals.insert(slug.to_string(), medal.to_string());
                }
            }
        })
    }

    /// Records that hints up to `level` of `slug` were shown.
    pub fn record_hint(workbook: &Workbook, slug: &str, level: u8) -> Result<(), Error> {
        update(workbook, |progress| {
            let seen = progress.hints.entry(slug.to_string()).or_insert(0);
            *seen = (*seen).max(level);
        })
    }
}

/// Changes the progress file under a lock on a companion file, so that two
/// kata processes (a watch and a check) never lose each other's records: it
/// re-reads the file under the lock, applies `change`, and replaces the file
/// atomically.
fn update(workbook: &Workbook, change: impl FnOnce(&mut Progress)) -> Result<(), Error> {
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
    change(&mut progress);
    write_atomically(&path, &render(&progress))
}

fn path(workbook: &Workbook) -> PathBuf {
    workbook.root().join(FILE_NAME)
}

// The format, one record a line; `#` starts a comment line:
//
//     # kata progress: written by `kata check`. ...
//     passed ex01-spawn-and-join
//     hint ex13-thread-pool 2          the highest hint level shown
//     medal ex19-parallel-matmul gold  the best medal earned
//
// Records of exercises the manifest no longer has are kept and ignored.
fn render(progress: &Progress) -> String {
    let mut text = format!("{HEADER}\n");
    for slug in &progress.passed {
        text.push_str(&format!("passed {slug}\n"));
    }
    for (slug, level) in &progress.hints {
        text.push_str(&format!("hint {slug} {level}\n"));
    }
    for (slug, medal) in &progress.medals {
        text.push_str(&format!("medal {slug} {medal}\n"));
    }
    text
}

fn parse(bytes: &[u8]) -> Result<Progress, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not text".to_string())?;
    let mut progress = Progress::default();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["passed", slug] if is_slug_like(slug) => {
                progress.passed.insert(slug.to_string());
            }
            ["hint", slug, level] if is_slug_like(slug) && matches!(*level, "1" | "2" | "3") => {
                progress
                    .hints
                    .insert(slug.to_string(), level.parse().unwrap_or(0));
            }
            ["medal", slug, medal] if is_slug_like(slug) && MEDALS.contains(medal) => {
                progress.medals.insert(slug.to_string(), medal.to_string());
            }
            _ => return Err(format!("line {} is `{line}`", number + 1)),
        }
    }
    Ok(progress)
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
        let mut progress = Progress::default();
        progress
            .passed
            .extend(["ex01-a".to_string(), "ex13-b".to_string()]);
        progress.hints.insert("ex13-b".into(), 2);
        progress.medals.insert("ex19-c".into(), "gold".into());
        assert_eq!(parse(render(&progress).as_bytes()).unwrap(), progress);
    }

    #[test]
    fn medals_rank() {
        assert!(medal_rank("gold") > medal_rank("silver"));
        assert!(medal_rank("silver") > medal_rank("bronze"));
        assert!(parse(b"medal ex19-c platinum\n").is_err());
        assert!(parse(b"hint ex13-b 4\n").is_err());
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
