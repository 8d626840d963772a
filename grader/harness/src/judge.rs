//! A judgement: what a check measured, kept for whichever verdict it
//! reaches.
//!
//! A check measures first and concludes after. Built on [`Outcome`] alone,
//! every early failure has to repeat the figures and details that the pass
//! at the end carries (or drop them: a failure that does not show what was
//! measured teaches less than the pass). A [`Judgement`] collects them once;
//! [`Judgement::pass`], [`Judgement::fail`], [`Judgement::ensure`] and
//! [`Judgement::inconclusive`] each make an outcome that carries all of
//! them.
//!
//! ```
//! use kata_harness::judge::Judgement;
//! # fn check(peak: usize, limit: usize) -> kata_harness::Verdict {
//! let mut judgement = Judgement::new();
//! judgement.figure("peak in flight", peak, format!("<= {limit}"));
//! judgement.ensure(peak <= limit, || format!("{peak} at once, but the limit is {limit}"))?;
//! Ok(judgement.pass(format!("at most {peak} at once")))
//! # }
//! # assert!(check(3, 2).unwrap_err().figures[0].measured == "3");
//! ```

use crate::protocol::{Figure, Outcome, Status};
use crate::Verdict;

/// The figures and detail lines of a check, gathered as it measures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Judgement {
    figures: Vec<Figure>,
    details: Vec<String>,
}

impl Judgement {
    pub fn new() -> Judgement {
        Judgement::default()
    }

    /// Adds a measured value and what was required of it.
    pub fn figure(
        &mut self,
        label: impl Into<String>,
        measured: impl ToString,
        required: impl Into<String>,
    ) -> &mut Judgement {
        self.figures.push(Figure {
            label: label.into(),
            measured: measured.to_string(),
            required: required.into(),
        });
        self
    }

    /// Adds a line of report under the message.
    pub fn detail(&mut self, line: impl Into<String>) -> &mut Judgement {
        self.details.push(line.into());
        self
    }

    /// Adds several lines of report (a picture, a table).
    pub fn details(
        &mut self,
        lines: impl IntoIterator<Item = impl Into<String>>,
    ) -> &mut Judgement {
        self.details.extend(lines.into_iter().map(Into::into));
        self
    }

    /// Adds a peak held to exactly `limit` ("== 5"), and the picture of
    /// `spans` over time titled `title`, the limit marked
    /// ([`crate::picture::in_flight`]).
    pub fn peak(
        &mut self,
        label: impl Into<String>,
        peak: usize,
        limit: usize,
        title: &str,
        spans: &[(std::time::Duration, std::time::Duration)],
    ) -> &mut Judgement {
        self.figure(label, peak, format!("== {limit}")).details(crate::picture::in_flight(
            title,
            spans,
            Some(limit),
        ))
    }

    /// `outcome` with every figure and detail gathered so far added after
    /// its own.
    pub fn onto(&self, mut outcome: Outcome) -> Outcome {
        outcome.figures.extend(self.figures.iter().cloned());
        outcome.details.extend(self.details.iter().cloned());
        outcome
    }

    /// [`Judgement::onto`] for a verdict, pass and failure alike.
    pub fn verdict(&self, verdict: Verdict) -> Verdict {
        both(verdict, |o| self.onto(o))
    }

    pub fn conclude(&self, status: Status, message: impl Into<String>) -> Outcome {
        self.onto(Outcome::new(status, message))
    }

    pub fn pass(&self, message: impl Into<String>) -> Outcome {
        self.conclude(Status::Passed, message)
    }

    pub fn fail(&self, message: impl Into<String>) -> Outcome {
        self.conclude(Status::Failed, message)
    }

    pub fn inconclusive(&self, message: impl Into<String>) -> Outcome {
        self.conclude(Status::Inconclusive, message)
    }

    /// `Ok(())` when `condition` holds, else the failure whose message
    /// `otherwise` writes (lazily, so it may format measured values freely).
    ///
    /// # Errors
    /// The failure, with everything gathered so far.
    pub fn ensure(
        &self,
        condition: bool,
        otherwise: impl FnOnce() -> String,
    ) -> Result<(), Outcome> {
        if condition {
            Ok(())
        } else {
            Err(self.fail(otherwise()))
        }
    }
}

/// `f` applied to the outcome of `verdict`, whether it passed or failed.
///
/// # Errors
/// `verdict`'s failure, changed by `f`.
pub fn both(verdict: Verdict, f: impl FnOnce(Outcome) -> Outcome) -> Verdict {
    match verdict {
        Ok(outcome) => Ok(f(outcome)),
        Err(outcome) => Err(f(outcome)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{fail, pass};

    fn measured() -> Judgement {
        let mut j = Judgement::new();
        j.figure("peak", 3, "<= 2").detail("a picture").details(["row 1", "row 2"]);
        j
    }

    #[test]
    fn a_pass_and_a_failure_carry_the_same_figures() {
        let j = measured();
        let passed = j.pass("fine");
        let failed = j.ensure(false, || "3 > 2".into()).unwrap_err();
        assert_eq!(passed.status, Status::Passed);
        assert_eq!(failed.status, Status::Failed);
        assert_eq!(failed.message, "3 > 2");
        assert_eq!(passed.figures, failed.figures);
        assert_eq!(failed.figures[0].measured, "3");
        assert_eq!(failed.details, ["a picture", "row 1", "row 2"]);
        assert_eq!(j.inconclusive("?").status, Status::Inconclusive);
        assert!(j.ensure(true, || unreachable!()).is_ok());
    }

    #[test]
    fn onto_keeps_the_outcomes_own_lines_first() {
        let outcome = measured().onto(fail("x").detail("its own").figure("own", 1, "1"));
        assert_eq!(outcome.details[0], "its own");
        assert_eq!(outcome.details.len(), 4);
        assert_eq!(outcome.figures[0].label, "own");
        assert_eq!(outcome.figures[1].label, "peak");
    }

    #[test]
    fn a_peak_comes_with_its_picture() {
        let ms = std::time::Duration::from_millis;
        let mut j = Judgement::new();
        j.peak("at once", 2, 3, "calls", &[(ms(0), ms(10)), (ms(5), ms(15))]);
        let o = j.pass("ok");
        assert_eq!((o.figures[0].measured.as_str(), o.figures[0].required.as_str()), ("2", "== 3"));
        assert!(o.details[0].starts_with("calls (one column per"), "{:?}", o.details);
    }

    #[test]
    fn both_arms_of_a_verdict_are_changed() {
        let add = |o: Outcome| o.detail("added");
        assert_eq!(both(Ok(pass("a")), add).unwrap().details, ["added"]);
        assert_eq!(both(Err(fail("b")), add).unwrap_err().details, ["added"]);
        let v = measured().verdict(Err(fail("c")));
        assert_eq!(v.unwrap_err().figures.len(), 1);
    }
}
