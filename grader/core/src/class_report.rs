//! A class's grades as data: one row per student, one cell per exercise,
//! with points, and the pin of the grader that gave them. `kata grade`
//! writes it as `report.json` (this type, serialised), `report.csv`
//! ([`ClassReport::csv`]) and `report.html` ([`crate::class_html`]);
//! `kata grade --merge` reads shard reports back and [`merge`]s them.
//!
//! Points: an exercise's points are shared among the checks it lists, so a
//! student earns `points × passed / checks`. An inconclusive check (the
//! machine could not tell, say a timing measured on a busy runner) counts
//! as passed, and the cell says so; code that was refused or does not
//! compile earns nothing, and so does an exercise not attempted.

use crate::manifest::Exercise;
use crate::report::{ExerciseReport, Graded};
use crate::submission::AuditEntry;
use crate::Error;
use kata_protocol::{Medal, Status};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassReport {
    /// The version of kata that graded.
    pub kata: String,
    /// The teacher's workbook's git commit, if it is a checkout.
    pub commit: Option<String>,
    /// [`crate::pin::grader_hash`] of the teacher's workbook.
    pub grader_hash: String,
    /// When, as RFC 3339 in UTC.
    pub graded_at: String,
    pub exercises: Vec<Column>,
    /// Sorted by name.
    pub students: Vec<Row>,
}

/// An exercise of the report, with what it is worth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub id: String,
    pub slug: String,
    pub points: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub student: String,
    pub points: f64,
    pub max_points: u32,
    pub exercises: Vec<Cell>,
    /// With `--audit`: the files outside `exercises/*/src/` that differ
    /// from the teacher's (never used by the grade).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit: Option<Vec<AuditEntry>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CellStatus {
    Passed,
    Failed,
    Inconclusive,
    NotAttempted,
    Refused,
    /// kata could not grade it (the message says why): no grade at all,
    /// which the teacher must look into, never the student's failure.
    GraderError,
}

impl CellStatus {
    pub fn name(self) -> &'static str {
        match self {
            CellStatus::Passed => "passed",
            CellStatus::Failed => "failed",
            CellStatus::Inconclusive => "inconclusive",
            CellStatus::NotAttempted => "not-attempted",
            CellStatus::Refused => "refused",
            CellStatus::GraderError => "grader-error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub id: String,
    pub status: CellStatus,
    pub points: f64,
    /// The checks that passed (inconclusive ones included) and all of them.
    pub checks_passed: usize,
    pub checks: usize,
    /// The first failing check: `build` when the code does not compile.
    pub first_failing_check: Option<String>,
    /// What the first failing (or inconclusive, or refusing) verdict said,
    /// cut short.
    pub message: Option<String>,
    pub medal: Option<Medal>,
}

/// Messages in the report are cut to this many characters.
const MESSAGE_CHARS: usize = 240;

impl Cell {
    /// The cell of `exercise` for a student: `None` when not attempted.
    pub fn new(exercise: &Exercise, report: Option<&ExerciseReport>) -> Cell {
        let mut cell = Cell {
            id: exercise.id(),
            status: CellStatus::NotAttempted,
            points: 0.0,
            checks_passed: 0,
            checks: 0,
            first_failing_check: None,
            message: None,
            medal: None,
        };
        let Some(report) = report else {
            return cell;
        };
        match &report.result {
            Graded::Refused { reasons } => {
                cell.status = CellStatus::Refused;
                cell.message =
                    reasons.first().map(|r| short(&format!("{}: {}", r.file.display(), r.message)));
            }
            Graded::CompileError { diagnostics } => {
                cell.status = CellStatus::Failed;
                cell.first_failing_check = Some("build".into());
                let first = diagnostics
                    .first()
                    .map(|d| crate::lint::strip_ansi(&d.rendered))
                    .unwrap_or_default();
                let line = first.lines().next().unwrap_or_default();
                cell.message = Some(short(&format!("does not compile: {line}")));
            }
            Graded::GraderError { message } => {
                cell.status = CellStatus::GraderError;
                cell.message = Some(short(&format!("kata could not grade this: {message}")));
            }
            Graded::BuildTimedOut { limit } => {
                cell.status = CellStatus::Failed;
                cell.first_failing_check = Some("build".into());
                cell.message = Some(format!("the build did not finish in {} s", limit.as_secs()));
            }
            Graded::Checked { checks } => {
                let failed = checks.iter().find(|c| c.outcome.status == Status::Failed);
                let unsure: Vec<_> =
                    checks.iter().filter(|c| c.outcome.status == Status::Inconclusive).collect();
                cell.checks = checks.len();
                cell.checks_passed = checks.len()
                    - checks.iter().filter(|c| c.outcome.status == Status::Failed).count();
                cell.points = round(
                    f64::from(exercise.points) * cell.checks_passed as f64
                        / cell.checks.max(1) as f64,
                );
                cell.medal = report.medal();
                if let Some(check) = failed {
                    cell.status = CellStatus::Failed;
                    cell.first_failing_check = Some(check.name.clone());
                    cell.message = Some(short(&check.outcome.message));
                } else if let Some(first) = unsure.first() {
                    cell.status = CellStatus::Inconclusive;
                    cell.message = Some(short(&format!(
                        "{} check(s) inconclusive, counted as passed (the machine could not tell): {}: {}",
                        unsure.len(),
                        first.name,
                        first.outcome.message
                    )));
                } else if !checks.is_empty() {
                    cell.status = CellStatus::Passed;
                }
            }
        }
        cell
    }

    /// The cell as text: `passed`, `failed: <check>`, `not-attempted`, ...
    pub fn text(&self) -> String {
        match (&self.status, &self.first_failing_check) {
            (CellStatus::Failed, Some(check)) => format!("failed: {check}"),
            (status, _) => status.name().to_string(),
        }
    }
}

impl Row {
    pub fn new(student: &str, columns: &[Column], cells: Vec<Cell>) -> Row {
        Row {
            student: student.to_string(),
            points: round(cells.iter().map(|c| c.points).sum()),
            max_points: columns.iter().map(|c| c.points).sum(),
            exercises: cells,
            audit: None,
        }
    }
}

impl ClassReport {
    /// The columns of `exercises`.
    pub fn columns(exercises: &[&Exercise]) -> Vec<Column> {
        exercises
            .iter()
            .map(|e| Column { id: e.id(), slug: e.slug.clone(), points: e.points })
            .collect()
    }

    /// The report as CSV (RFC 4180: CRLF, fields quoted where needed): a
    /// header `student,points,max_points,ex01,...`, then a row per student
    /// with each cell's [`Cell::text`].
    pub fn csv(&self) -> String {
        let mut out = String::new();
        let mut header = vec!["student".to_string(), "points".into(), "max_points".into()];
        header.extend(self.exercises.iter().map(|c| c.id.clone()));
        push_record(&mut out, &header);
        for row in &self.students {
            let mut record = vec![
                spreadsheet_safe(&row.student),
                row.points.to_string(),
                row.max_points.to_string(),
            ];
            record.extend(row.exercises.iter().map(Cell::text));
            push_record(&mut out, &record);
        }
        out
    }

    /// Reads a `report.json`.
    pub fn parse(text: &str, name: &str) -> Result<ClassReport, Error> {
        serde_json::from_str(text).map_err(|e| {
            Error::Grader(format!(
                "{name} is not a report of `kata grade` ({e}). Merge the report.json files that `kata grade --out` wrote."
            ))
        })
    }
}

/// Shard reports as one: the same grader (kata version, commit, grader
/// hash) and exercises required, students sorted by name, each once; the
/// latest `graded_at`.
pub fn merge(shards: Vec<(String, ClassReport)>) -> Result<ClassReport, Error> {
    let mut shards = shards.into_iter();
    let Some((first_name, mut merged)) = shards.next() else {
        return Err(Error::Grader(
            "nothing to merge: name the shard reports (report.json files)".into(),
        ));
    };
    for (name, shard) in shards {
        let pin = |r: &ClassReport| (r.kata.clone(), r.commit.clone(), r.grader_hash.clone());
        if pin(&shard) != pin(&merged) {
            return Err(Error::Grader(format!(
                "{name} was graded by another grader than {first_name} (kata {} at {}, grader hash {}; against kata {} at {}, grader hash {}): \
                 a class's grades must all come from one pinned grader. Grade every shard with the same workbook commit.",
                shard.kata,
                shard.commit.as_deref().unwrap_or("no commit"),
                shard.grader_hash,
                merged.kata,
                merged.commit.as_deref().unwrap_or("no commit"),
                merged.grader_hash
            )));
        }
        if shard.exercises != merged.exercises {
            return Err(Error::Grader(format!(
                "{name} grades other exercises than {first_name}: grade every shard with the same `--exercises`."
            )));
        }
        merged.graded_at = merged.graded_at.max(shard.graded_at);
        merged.students.extend(shard.students);
    }
    merged.students.sort_by(|a, b| a.student.cmp(&b.student));
    if let Some(twice) = merged.students.windows(2).find(|pair| pair[0].student == pair[1].student)
    {
        return Err(Error::Grader(format!(
            "student `{}` is in more than one shard: give each submission to one shard only",
            twice[0].student
        )));
    }
    Ok(merged)
}

/// Now, as RFC 3339 in UTC, to the second.
pub fn now_utc() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(seconds)
}

/// Seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(seconds: u64) -> String {
    let (year, month, day, hour, minute, second) = civil(seconds);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
}

/// Seconds since 1970-01-01 UTC as (year, month, day, hour, minute, second)
/// (Howard Hinnant's `civil_from_days`).
pub fn civil(seconds: u64) -> (i64, i64, i64, u64, u64, u64) {
    let days = (seconds / 86_400) as i64;
    let rest = seconds % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, rest / 3600, rest / 60 % 60, rest % 60)
}

fn round(points: f64) -> f64 {
    (points * 100.0).round() / 100.0
}

fn short(text: &str) -> String {
    let text = crate::lint::strip_ansi(text);
    let line = text.trim();
    if line.chars().count() <= MESSAGE_CHARS {
        return line.to_string();
    }
    let cut: String = line.chars().take(MESSAGE_CHARS - 1).collect();
    format!("{cut}…")
}

/// A spreadsheet reads a field that starts with `=`, `+`, `-` or `@` as a
/// formula: a student's name is never one.
fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn push_record(out: &mut String, fields: &[String]) {
    let quoted: Vec<String> = fields
        .iter()
        .map(|f| {
            if f.contains([',', '"', '\r', '\n']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        })
        .collect();
    out.push_str(&quoted.join(","));
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc_3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_796_083_199), "2026-11-30T23:59:59Z");
    }

    #[test]
    fn csv_quotes_as_rfc_4180_says() {
        let mut out = String::new();
        push_record(
            &mut out,
            &["plain".into(), "a,b".into(), "say \"hi\"".into(), "two\nlines".into()],
        );
        assert_eq!(out, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
        assert_eq!(spreadsheet_safe("=1+1"), "'=1+1");
    }
}
