//! The learner's progress: which exercises `kata check` has seen pass.
//!
//! Only a passing `kata check` of the learner's own code records a pass (and
//! its medal); every check of it that reaches a verdict counts an attempt;
//! `kata hint` records how far up the hint ladder the learner has climbed.
//! Listing or checking the reference solution records nothing.
//!
//! Progress is kept by exercise name (the slug without its number, see
//! [`Exercise::name`](crate::manifest::Exercise::name)), so an update of the
//! workbook that adds or renumbers exercises keeps it; its `transfer` module moves it
//! between machines as a JSON document.

mod transfer;

pub use transfer::{Export, ExportedExercise, Imported};

use crate::manifest::{is_name, name_of, parse_slug};
use crate::workbook::Workbook;
use crate::Error;
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// The progress file's name at the workbook root (git-ignored).
pub const FILE_NAME: &str = ".kata-progress";
const HEADER: &str =
    "# kata progress: written by `kata check` and `kata hint`. Delete this file to start over.";
/// The format [`render`] writes; a file without a `version` line is older.
const VERSION: &str = "2";

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Progress {
    /// What is known of each exercise, by name (`spawn-and-join`),
    /// including names the manifest does not have (kept, unused).
    entries: BTreeMap<String, Entry>,
    /// Something the learner should know about the file (it was set aside).
    pub warning: Option<String>,
}

/// The progress of one exercise.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Entry {
    pub passed: bool,
    /// The best medal earned (exercises that award them).
    pub medal: Option<String>,
    /// The highest hint level shown, 0 (none) to 3.
    pub hints_seen: u8,
    /// Checks of the learner's code that reached a verdict.
    pub attempts: u32,
}

/// Medals from least to best; an unknown name ranks lowest.
const MEDALS: [&str; 3] = ["bronze", "silver", "gold"];

fn medal_rank(medal: &str) -> usize {
    MEDALS.iter().position(|m| *m == medal).map_or(0, |p| p + 1)
}

impl Entry {
    /// Takes what `other` knows that `self` does not: a pass stays a pass,
    /// the better medal, the higher hint level and the larger attempt count
    /// win. Says whether anything changed.
    fn merge(&mut self, other: &Entry) -> bool {
        let before = self.clone();
        self.passed |= other.passed;
        if let Some(medal) = &other.medal {
            if self.medal.as_deref().is_none_or(|old| medal_rank(medal) > medal_rank(old)) {
                self.medal = Some(medal.clone());
            }
        }
        self.hints_seen = self.hints_seen.max(other.hints_seen);
        self.attempts = self.attempts.max(other.attempts);
        *self != before
    }

    fn is_empty(&self) -> bool {
        *self == Entry::default()
    }
}

impl Progress {
    /// The progress of exercise `slug` (its name works too), if any.
    pub fn entry(&self, slug: &str) -> Option<&Entry> {
        self.entries.get(name_of(slug))
    }

    /// Every name with progress, the manifest's or not, in name order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.entries.iter().map(|(name, entry)| (name.as_str(), entry))
    }

    pub fn has_passed(&self, slug: &str) -> bool {
        self.entry(slug).is_some_and(|e| e.passed)
    }

    /// The highest hint level the learner has seen for `slug` (0: none).
    pub fn hints_seen(&self, slug: &str) -> u8 {
        self.entry(slug).map_or(0, |e| e.hints_seen)
    }

    /// The best medal earned on `slug`, if any.
    pub fn medal(&self, slug: &str) -> Option<&str> {
        self.entry(slug).and_then(|e| e.medal.as_deref())
    }

    /// How many checks of the learner's code of `slug` reached a verdict.
    pub fn attempts(&self, slug: &str) -> u32 {
        self.entry(slug).map_or(0, |e| e.attempts)
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
        let pass = Entry { passed: true, medal: medal.map(str::to_string), ..Entry::default() };
        update(workbook, |progress| {
            progress.merge(name_of(slug), &pass);
        })
    }

    /// Records that hints up to `level` of `slug` were shown.
    pub fn record_hint(workbook: &Workbook, slug: &str, level: u8) -> Result<(), Error> {
        let seen = Entry { hints_seen: level, ..Entry::default() };
        update(workbook, |progress| {
            progress.merge(name_of(slug), &seen);
        })
    }

    /// Counts one check of the learner's code of `slug` that reached a
    /// verdict (checked, did not compile, refused, build timed out).
    pub fn record_attempt(workbook: &Workbook, slug: &str) -> Result<(), Error> {
        update(workbook, |progress| {
            let entry = progress.entries.entry(name_of(slug).to_string()).or_default();
            entry.attempts = entry.attempts.saturating_add(1);
        })
    }

    /// Merges `entry` into the progress of `name`; says whether it changed.
    fn merge(&mut self, name: &str, entry: &Entry) -> bool {
        self.entries.entry(name.to_string()).or_default().merge(entry)
    }
}

/// Changes the progress file under a lock on a companion file, so that two
/// kata processes (a watch and a check) never lose each other's records: it
/// re-reads the file under the lock, applies `change`, and replaces the file
/// atomically.
fn update<T>(workbook: &Workbook, change: impl FnOnce(&mut Progress) -> T) -> Result<T, Error> {
    let path = path(workbook);
    let lock_path = path.with_extension("lock");
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| Error::io(format!("could not open {}", lock_path.display()), e))?;
    lock.lock().map_err(|e| Error::io(format!("could not lock {}", lock_path.display()), e))?;
    let mut progress = Progress::load(workbook)?;
    let result = change(&mut progress);
    write_atomically(&path, &render(&progress))?;
    Ok(result)
}

fn path(workbook: &Workbook) -> PathBuf {
    workbook.root().join(FILE_NAME)
}

// The format, one record a line, each exercise's records together; `#`
// starts a comment line:
//
//     # kata progress: written by `kata check` and `kata hint`. ...
//     version 2
//     passed spawn-and-join
//     attempts spawn-and-join 3        checks of the learner's code with a verdict
//     passed parallel-matmul
//     medal parallel-matmul gold       the best medal earned
//     hint thread-pool 2               the highest hint level shown (1 to 3)
//
// Exercises are named by the slug without its number (`spawn-and-join` for
// `ex01-spawn-and-join`), which survives a renumbering. A file without the
// `version 2` line was written before (by kata 0.1.0): its records name full
// slugs (`passed ex01-spawn-and-join`, `hint ex13-thread-pool 2`,
// `medal ex19-parallel-matmul gold`), read by their name part; the next
// write rewrites it in this form. Records of names the manifest does not have
// are kept and ignored.
fn render(progress: &Progress) -> String {
    let mut text = format!("{HEADER}\nversion {VERSION}\n");
    for (name, entry) in &progress.entries {
        if entry.passed {
            text.push_str(&format!("passed {name}\n"));
        }
        if let Some(medal) = &entry.medal {
            text.push_str(&format!("medal {name} {medal}\n"));
        }
        if entry.hints_seen > 0 {
            text.push_str(&format!("hint {name} {}\n", entry.hints_seen));
        }
        if entry.attempts > 0 {
            text.push_str(&format!("attempts {name} {}\n", entry.attempts));
        }
    }
    text
}

fn parse(bytes: &[u8]) -> Result<Progress, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not text".to_string())?;
    let mut progress = Progress::default();
    // Until a `version` line says otherwise, records name full slugs.
    let mut by_name = false;
    let mut records = 0;
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = || format!("line {} is `{line}`", number + 1);
        let words: Vec<&str> = line.split_whitespace().collect();
        records += 1;
        if let ["version", version] = words.as_slice() {
            if *version != VERSION {
                return Err(format!("{}: a newer kata wrote it (format {version})", bad()));
            }
            if records > 1 {
                return Err(format!("{}: `version` comes before any record", bad()));
            }
            by_name = true;
            continue;
        }
        let name = match words.get(1) {
            Some(key) if by_name && is_name(key) => *key,
            Some(key) if !by_name && parse_slug(key).is_some() => name_of(key),
            _ => return Err(bad()),
        };
        let record = match words.as_slice() {
            ["passed", _] => Entry { passed: true, ..Entry::default() },
            ["hint", _, level] if matches!(*level, "1" | "2" | "3") => {
                Entry { hints_seen: level.parse().map_err(|_| bad())?, ..Entry::default() }
            }
            ["medal", _, medal] if MEDALS.contains(medal) => {
                Entry { medal: Some(medal.to_string()), ..Entry::default() }
            }
            ["attempts", _, count] if by_name => {
                Entry { attempts: count.parse().map_err(|_| bad())?, ..Entry::default() }
            }
            _ => return Err(bad()),
        };
        // Two old slugs of one name (renumbered by hand) merge.
        progress.merge(name, &record);
    }
    progress.entries.retain(|_, entry| !entry.is_empty());
    Ok(progress)
}

fn set_aside(path: &Path) -> Result<PathBuf, Error> {
    let stamp = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
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
    written.and_then(|()| std::fs::rename(&tmp, path)).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(format!("could not write {}", path.display()), e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(passed: bool, medal: Option<&str>, hints_seen: u8, attempts: u32) -> Entry {
        Entry { passed, medal: medal.map(str::to_string), hints_seen, attempts }
    }

    #[test]
    fn round_trips() {
        let mut progress = Progress::default();
        progress.merge("a", &entry(true, None, 0, 4));
        progress.merge("b", &entry(false, None, 2, 0));
        progress.merge("c", &entry(true, Some("gold"), 3, 9));
        let text = render(&progress);
        assert!(text.contains("\nversion 2\npassed a\nattempts a 4\nhint b 2\n"), "{text}");
        assert_eq!(parse(text.as_bytes()).unwrap(), progress);
    }

    #[test]
    fn reads_a_file_keyed_by_slug_by_name() {
        let old = b"# kata progress\npassed ex01-spawn-and-join\nhint ex13-thread-pool 2\n\
                    medal ex19-parallel-matmul gold\nhint ex12-thread-pool 3\n";
        let progress = parse(old).unwrap();
        assert!(progress.has_passed("ex01-spawn-and-join"));
        assert!(progress.has_passed("ex07-spawn-and-join"), "any number");
        assert_eq!(progress.hints_seen("thread-pool"), 3, "the higher of two");
        assert_eq!(progress.medal("ex20-parallel-matmul"), Some("gold"));
        assert!(render(&progress).contains("\npassed spawn-and-join\n"));
        // Without `version 2`, a key must be a slug.
        assert!(parse(b"passed spawn-and-join\n").is_err());
    }

    #[test]
    fn medals_rank() {
        assert!(medal_rank("gold") > medal_rank("silver"));
        assert!(medal_rank("silver") > medal_rank("bronze"));
        let mut silver = entry(true, Some("silver"), 0, 0);
        assert!(!silver.merge(&entry(true, Some("bronze"), 0, 0)));
        assert!(silver.merge(&entry(false, Some("gold"), 0, 0)));
        assert_eq!(silver, entry(true, Some("gold"), 0, 0));
        assert!(parse(b"medal ex19-c platinum\n").is_err());
        assert!(parse(b"hint ex13-b 4\n").is_err());
    }

    #[test]
    fn rejects_what_it_did_not_write() {
        assert_eq!(parse(b"passed ex01-a\nhello\n").unwrap_err(), "line 2 is `hello`");
        assert_eq!(parse(b"\xff\xfe").unwrap_err(), "it is not text");
        assert!(parse(b"passed ../../etc\n").is_err());
        assert!(parse(b"version 2\npassed ../../etc\n").is_err());
        assert!(parse(b"version 2\nattempts a -1\n").is_err());
        assert!(parse(b"passed ex01-a\nversion 2\n").is_err());
        assert_eq!(
            parse(b"version 3\n").unwrap_err(),
            "line 1 is `version 3`: a newer kata wrote it (format 3)"
        );
    }
}
