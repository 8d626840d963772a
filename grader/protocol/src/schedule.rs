//! The name of one schedule of a model checker, as a failing model check
//! prints it and `kata check --replay` hands it back (in
//! [`var::REPLAY`](crate::var::REPLAY)): `random-17` and `pct-4` are
//! shuttle's (its random and PCT schedulers, with a seed), `loom-7` is
//! loom's 7th execution (its search runs in one order, so the count names
//! one interleaving; a replay runs the search up to it). Written here once, for the grader that reads it from
//! the learner and the checks that run it.

/// One schedule of one model checker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// Shuttle's random scheduler with this seed: `random-17`.
    Random(u64),
    /// Shuttle's PCT scheduler with this seed: `pct-4`.
    Pct(u64),
    /// Loom's `n`-th execution, counted over the checks process (loom
    /// explores in one fixed order, so the number names one interleaving):
    /// `loom-7`. The model facade (`kata_sync::model`) prints these.
    Loom(u64),
}

impl Schedule {
    /// `random-17` → `Random(17)`; `None` for anything else.
    pub fn parse(token: &str) -> Option<Schedule> {
        let seed = |digits: &str| {
            // Digits only: `u64::from_str` would take a `+`.
            (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| digits.parse().ok())
                .flatten()
        };
        let (kind, digits) = token.split_once('-')?;
        match kind {
            "random" => seed(digits).map(Schedule::Random),
            "pct" => seed(digits).map(Schedule::Pct),
            "loom" => seed(digits).map(Schedule::Loom),
            _ => None,
        }
    }

    /// The model checker that runs it: `shuttle` or `loom`.
    pub fn checker(self) -> &'static str {
        match self {
            Schedule::Random(_) | Schedule::Pct(_) => "shuttle",
            Schedule::Loom(_) => "loom",
        }
    }
}

impl std::fmt::Display for Schedule {
    /// The token again, as the checks binary reads it from the grader.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Schedule::Random(seed) => write!(f, "random-{seed}"),
            Schedule::Pct(seed) => write!(f, "pct-{seed}"),
            Schedule::Loom(n) => write!(f, "loom-{n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        for token in ["random-17", "pct-4", "loom-7", "random-0"] {
            assert_eq!(Schedule::parse(token).unwrap().to_string(), token);
        }
        assert_eq!(Schedule::parse("pct-4").unwrap().checker(), "shuttle");
        for bad in ["", "random-", "random-x", "pct-+4", "pct4", "shuttle-1", "loom", "loom-"] {
            assert_eq!(Schedule::parse(bad), None, "{bad}");
        }
    }
}
