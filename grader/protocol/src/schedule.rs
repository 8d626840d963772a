//! The name of one schedule of a model checker, as a failing model check
//! prints it and `kata check --replay` hands it back (in
//! [`var::REPLAY`](crate::var::REPLAY)): `random-17` and `pct-4` are
//! shuttle's (its random and PCT schedulers, with a seed), `loom` is loom's
//! one exhaustive run. Written here once, for the grader that reads it from
//! the learner and the checks that run it.

/// One schedule of one model checker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// Shuttle's random scheduler with this seed: `random-17`.
    Random(u64),
    /// Shuttle's PCT scheduler with this seed: `pct-4`.
    Pct(u64),
    /// Loom explores every interleaving within its bound, all in one run:
    /// `loom` names that run.
    Loom,
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
        if token == "loom" {
            return Some(Schedule::Loom);
        }
        let (kind, digits) = token.split_once('-')?;
        match kind {
            "random" => seed(digits).map(Schedule::Random),
            "pct" => seed(digits).map(Schedule::Pct),
            _ => None,
        }
    }

    /// The model checker that runs it: `shuttle` or `loom`.
    pub fn checker(self) -> &'static str {
        match self {
            Schedule::Random(_) | Schedule::Pct(_) => "shuttle",
            Schedule::Loom => "loom",
        }
    }
}

impl std::fmt::Display for Schedule {
    /// The token again, as the checks binary reads it from the grader.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Schedule::Random(seed) => write!(f, "random-{seed}"),
            Schedule::Pct(seed) => write!(f, "pct-{seed}"),
            Schedule::Loom => f.write_str("loom"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        for token in ["random-17", "pct-4", "loom", "random-0"] {
            assert_eq!(Schedule::parse(token).unwrap().to_string(), token);
        }
        assert_eq!(Schedule::parse("pct-4").unwrap().checker(), "shuttle");
        for bad in ["", "random-", "random-x", "pct-+4", "pct4", "shuttle-1", "loom-1"] {
            assert_eq!(Schedule::parse(bad), None, "{bad}");
        }
    }
}
