//! Finding an exercise by what a learner typed (`14`, `ex14`, a slug, a
//! name), and a "did you mean" for what is close to one.

use super::{Exercise, Manifest};
use crate::Error;

impl Manifest {
    /// Finds an exercise by number (`14`), id (`ex14`), slug, or name (the
    /// slug without its id: `thread-pool-downloader`).
    pub fn find(&self, given: &str) -> Result<&Exercise, Error> {
        let wanted = given.trim().to_ascii_lowercase();
        let number = wanted.strip_prefix("ex").unwrap_or(&wanted).parse::<u32>().ok();
        let found = self
            .exercises
            .iter()
            .find(|e| Some(e.number) == number || e.slug == wanted || e.name() == wanted);
        found.ok_or_else(|| Error::UnknownExercise {
            given: given.to_string(),
            suggestion: self.nearest(&wanted).map(|e| e.slug.clone()),
            valid: self.exercises.iter().map(|e| e.id()).collect(),
        })
    }

    /// The exercise whose slug (or name) is closest to `given`,
    /// if any is close enough to be a likely typo.
    fn nearest(&self, given: &str) -> Option<&Exercise> {
        // `ex1-spwan`: a number that names an exercise is the best clue.
        let digits: String =
            given.trim_start_matches("ex").chars().take_while(char::is_ascii_digit).collect();
        if let Some(by_number) =
            digits.parse::<u32>().ok().and_then(|n| self.exercises.iter().find(|e| e.number == n))
        {
            return Some(by_number);
        }
        self.exercises
            .iter()
            .map(|e| {
                let full = edit_distance(given, &e.slug);
                (full.min(edit_distance(given, e.name())), e)
            })
            .filter(|(distance, _)| *distance <= given.len().max(3) / 3 + 1)
            .min_by_key(|(distance, _)| *distance)
            .map(|(_, e)| e)
    }
}

/// Levenshtein distance, for "did you mean".
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}
