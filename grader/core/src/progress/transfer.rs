//! `kata progress export` and `import`: a learner's progress as one JSON
//! document, to carry it to another machine or another copy of the workbook.
//!
//! Exercises are matched by name, never by number, so a document exported
//! before an update of the workbook that added or renumbered exercises
//! imports into the updated one. Importing merges, and never loses what
//! either side knew: a pass stays a pass, the better medal, the higher hint
//! level and the larger attempt count win.

use super::{is_name, update, Entry, Progress, MEDALS};
use crate::manifest::Manifest;
use crate::workbook::Workbook;
use crate::Error;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// The exported document:
///
/// ```text
/// { "kata": "0.1.0", "exported_at": 1795000000 (unix seconds),
///   "exercises": [ { "name": "spawn-and-join", "passed": true,
///                    "medal": "gold" | null, "hints_seen": 0..=3, "attempts": 4 } ] }
/// ```
///
/// Exercises with no progress are left out; fields a newer kata may add are
/// ignored on import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    expecting = "a kata progress export, an object with \"kata\", \"exported_at\" and \"exercises\""
)]
pub struct Export {
    /// The version of kata that wrote it.
    pub kata: String,
    pub exported_at: u64,
    pub exercises: Vec<ExportedExercise>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedExercise {
    pub name: String,
    pub passed: bool,
    #[serde(default)]
    pub medal: Option<String>,
    pub hints_seen: u8,
    pub attempts: u32,
}

/// What an import did, by name, in the document's order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Imported {
    /// Exercises of this workbook whose progress the document added to.
    pub taken: Vec<String>,
    /// Exercises of this workbook the document had nothing new for.
    pub unchanged: Vec<String>,
    /// Names this workbook does not have: kept in the progress file, unused,
    /// so that an update of the workbook that adds them finds them.
    pub unknown: Vec<String>,
}

impl Progress {
    /// The progress as a document for `kata progress export`: the
    /// manifest's exercises in its order, then names it does not have.
    pub fn export(&self, manifest: &Manifest, kata_version: &str) -> Export {
        let known: Vec<&str> = manifest.exercises.iter().map(|e| e.name()).collect();
        let others = self.entries.keys().map(String::as_str).filter(|name| !known.contains(name));
        let exercises = known
            .iter()
            .copied()
            .chain(others)
            .filter_map(|name| {
                let entry = self.entries.get(name).filter(|e| !e.is_empty())?;
                Some(ExportedExercise {
                    name: name.to_string(),
                    passed: entry.passed,
                    medal: entry.medal.clone(),
                    hints_seen: entry.hints_seen,
                    attempts: entry.attempts,
                })
            })
            .collect();
        Export {
            kata: kata_version.to_string(),
            exported_at: SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()),
            exercises,
        }
    }

    /// Merges `document` into the progress of `workbook`, under the
    /// progress file's lock, in one atomic write.
    pub fn import(workbook: &Workbook, document: &Export) -> Result<Imported, Error> {
        let known: Vec<&str> = workbook.manifest.exercises.iter().map(|e| e.name()).collect();
        update(workbook, |progress| {
            // Each name once, in the document's order, changed or not.
            let mut names: Vec<(String, bool)> = Vec::new();
            for exercise in &document.exercises {
                let entry = Entry {
                    passed: exercise.passed,
                    medal: exercise.medal.clone(),
                    hints_seen: exercise.hints_seen,
                    attempts: exercise.attempts,
                };
                let changed = progress.merge(&exercise.name, &entry);
                match names.iter_mut().find(|(name, _)| *name == exercise.name) {
                    Some((_, any)) => *any |= changed,
                    None => names.push((exercise.name.clone(), changed)),
                }
            }
            let mut imported = Imported::default();
            for (name, changed) in names {
                let list = if !known.contains(&name.as_str()) {
                    &mut imported.unknown
                } else if changed {
                    &mut imported.taken
                } else {
                    &mut imported.unchanged
                };
                list.push(name);
            }
            imported
        })
    }
}

impl Export {
    /// Reads and checks the document at `path`; every error names the file
    /// and where in it the problem is.
    pub fn read(path: &Path) -> Result<Export, Error> {
        let bad = |reason: String| Error::Import { path: path.to_path_buf(), reason };
        let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        Export::parse(&text).map_err(bad)
    }

    /// Parses and checks a document; the error says what is wrong and where.
    pub fn parse(text: &str) -> Result<Export, String> {
        let document: Export = serde_json::from_str(text).map_err(|e| e.to_string())?;
        for (index, exercise) in document.exercises.iter().enumerate() {
            let at = format!("exercises[{index}]");
            let name = &exercise.name;
            if !is_name(name) {
                return Err(format!(
                    "{at}: \"{}\" is not an exercise name (lowercase words joined by `-`, as in \"spawn-and-join\")",
                    name.escape_default()
                ));
            }
            if exercise.hints_seen > 3 {
                return Err(format!(
                    "{at} ({name}): hints_seen is {}; there are hints 1 to 3 (0: none seen)",
                    exercise.hints_seen
                ));
            }
            if let Some(medal) = exercise.medal.as_deref() {
                if !MEDALS.contains(&medal) {
                    return Err(format!(
                        "{at} ({name}): medal \"{}\" is not one of {}",
                        medal.escape_default(),
                        MEDALS.join(", ")
                    ));
                }
            }
        }
        Ok(document)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCUMENT: &str = r#"{
  "kata": "0.1.0",
  "exported_at": 1795000000,
  "exercises": [
    { "name": "spawn-and-join", "passed": true, "medal": null, "hints_seen": 1, "attempts": 3 },
    { "name": "thread-pool", "passed": false, "hints_seen": 3, "attempts": 0, "later": 1 }
  ]
}"#;

    #[test]
    fn parses_what_export_writes_and_ignores_new_fields() {
        let document = Export::parse(DOCUMENT).unwrap();
        assert_eq!(document.exercises.len(), 2);
        assert_eq!(document.exercises[1].medal, None);
        let again = serde_json::to_string(&document).unwrap();
        assert_eq!(Export::parse(&again).unwrap(), document);
    }

    #[test]
    fn says_what_is_wrong_and_where() {
        let error = |text: &str| Export::parse(text).unwrap_err();
        assert_eq!(
            error(&DOCUMENT.replace("\"hints_seen\": 3", "\"hints_seen\": 4")),
            "exercises[1] (thread-pool): hints_seen is 4; there are hints 1 to 3 (0: none seen)"
        );
        assert!(error(&DOCUMENT.replace("null", "\"platinum\""))
            .starts_with("exercises[0] (spawn-and-join): medal \"platinum\" is not one of"));
        assert!(error(&DOCUMENT.replace("\"thread-pool\"", "\"../x y\""))
            .starts_with("exercises[1]: \"../x y\" is not an exercise name"));
        let missing = error(&DOCUMENT.replace("\"exported_at\": 1795000000,", ""));
        assert!(missing.contains("exported_at") && missing.contains("line 8"), "{missing}");
        let truncated = error(&DOCUMENT[..60]);
        assert!(truncated.contains("line 4"), "{truncated}");
        let other = error("\"hello\"");
        assert!(other.contains("a kata progress export"), "{other}");
    }
}
