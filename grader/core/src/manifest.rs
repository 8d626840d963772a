//! `kata.toml`: the one list of exercises.
//!
//! Parsing checks more than the TOML grammar: every slug has the `exNN-name`
//! shape, numbers rise strictly, each exercise has exactly three hints. Every
//! error names the line it is about, so a maintainer goes straight to it.

use crate::Error;
use serde::Deserialize;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::Spanned;

mod find;

/// The manifest's file name, at the workbook's root.
pub const FILE_NAME: &str = "kata.toml";

#[derive(Debug, Clone)]
pub struct Manifest {
    pub exercises: Vec<Exercise>,
}

/// One exercise, with everything the CLI, the grader and the book need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    /// The two-digit number in the slug: `14` for `ex14-thread-pool-downloader`.
    pub number: u32,
    pub slug: String,
    pub title: String,
    pub topic: String,
    /// A nudge, a direction, nearly the answer.
    pub hints: [String; 3],
    /// How long each check may run before it is stopped.
    pub time_limit: Duration,
    /// Model checkers whose builds also run this exercise's checks.
    pub models: Vec<Model>,
    /// A clippy configuration in `grader/lints/<name>/` that the learner's
    /// crate must pass (say, no `std::sync` past the model checker's facade).
    pub lint: Option<String>,
    /// For exercises that award medals: the shares of a yardstick's
    /// throughput that earn silver and gold (calibrated per machine kind).
    pub medals: Option<Medals>,
    /// The lesson needs `unsafe` (SIMD kernels, `UnsafeCell`): the crate is
    /// not built with `unsafe_code` forbidden, and the threat model says
    /// what that leaves open.
    pub allow_unsafe: bool,
    /// Its checks time CPU work (in the checks crate, or in the learner's
    /// generic code compiled there), so the checks crate is built
    /// optimised; every other checks crate is built at opt-level 0.
    pub times_cpu: bool,
    /// Modules of the source policy this exercise may name (`net`, say).
    pub allow: Vec<String>,
    /// What the exercise is worth in a class's grade ([`DEFAULT_POINTS`]
    /// unless `points = N`), shared among its checks.
    pub points: u32,
}

/// An exercise's points when the manifest gives none: every exercise equal.
pub const DEFAULT_POINTS: u32 = 10;

/// Medal thresholds, as fractions (0.15 is 15%).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Medals {
    pub silver: f64,
    pub gold: f64,
}

impl Eq for Medals {}

/// A model checker the grader can build an exercise's checks with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Model {
    /// Randomised and PCT schedules with fixed seeds (SeqCst only).
    Shuttle,
    /// Exhaustive within a preemption bound; models weak memory orderings.
    Loom,
}

impl Model {
    pub fn name(self) -> &'static str {
        match self {
            Model::Shuttle => "shuttle",
            Model::Loom => "loom",
        }
    }
}

impl Exercise {
    /// `ex14`: the short name learners type.
    pub fn id(&self) -> String {
        format!("ex{:02}", self.number)
    }

    /// `thread-pool-downloader`: the slug without its number, which stays
    /// when exercises are renumbered (progress is kept by it).
    pub fn name(&self) -> &str {
        name_of(&self.slug)
    }

    /// The name of the package that holds this exercise's hidden checks.
    pub fn checks_package(&self) -> String {
        format!("{}-checks", self.slug)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    #[serde(default)]
    exercise: Vec<Spanned<RawExercise>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawExercise {
    slug: Spanned<String>,
    title: String,
    topic: String,
    hints: Spanned<Vec<String>>,
    time_limit: Spanned<u64>,
    #[serde(default)]
    models: Vec<Model>,
    #[serde(default)]
    lint: Option<Spanned<String>>,
    #[serde(default)]
    medals: Option<Spanned<Medals>>,
    #[serde(default)]
    allow_unsafe: bool,
    #[serde(default)]
    times_cpu: bool,
    #[serde(default)]
    allow: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    points: Option<Spanned<i64>>,
}

impl Manifest {
    /// Reads and validates the manifest at `path`.
    pub fn load(path: &Path) -> Result<Manifest, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::io(format!("could not read {}", path.display()), e))?;
        Manifest::parse(&text, path)
    }

    /// Parses manifest `text`; `path` is only used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Manifest, Error> {
        let at = |span: Option<Range<usize>>, reason: String| Error::Manifest {
            path: PathBuf::from(path),
            line: span.map_or(1, |s| line_of(text, s.start)),
            reason,
        };
        let raw: RawManifest =
            toml::from_str(text).map_err(|e| at(e.span(), e.message().trim().to_string()))?;
        if raw.exercise.is_empty() {
            return Err(at(None, "no `[[exercise]]` entries: the workbook is empty".into()));
        }
        let mut exercises: Vec<Exercise> = Vec::with_capacity(raw.exercise.len());
        for entry in raw.exercise {
            let raw = entry.into_inner();
            let slug_span = raw.slug.span();
            let slug = raw.slug.into_inner();
            let number = parse_slug(&slug).ok_or_else(|| {
                at(
                    Some(slug_span.clone()),
                    format!("slug `{slug}` is not of the form `exNN-name` (two digits, then lowercase words joined by `-`)"),
                )
            })?;
            if let Some(previous) = exercises.last() {
                if number <= previous.number {
                    return Err(at(
                        Some(slug_span),
                        format!(
                            "`{slug}` comes after `{}`: exercise numbers must rise strictly, with no repeats",
                            previous.slug
                        ),
                    ));
                }
            }
            if let Some(twin) = exercises.iter().find(|e| e.name() == name_of(&slug)) {
                return Err(at(
                    Some(slug_span),
                    format!("`{slug}` has the name of `{}`: progress is kept by name, so no two exercises may share one", twin.slug),
                ));
            }
            let hints_span = raw.hints.span();
            let hints: [String; 3] = raw.hints.into_inner().try_into().map_err(|h: Vec<_>| {
                at(
                    Some(hints_span),
                    format!(
                        "`{slug}` has {} hints; every exercise has exactly three (a nudge, a direction, nearly the answer)",
                        h.len()
                    ),
                )
            })?;
            let limit_span = raw.time_limit.span();
            let seconds = raw.time_limit.into_inner();
            if !(1..=600).contains(&seconds) {
                return Err(at(
                    Some(limit_span),
                    format!("`{slug}` has time-limit = {seconds}; give a number of seconds from 1 to 600"),
                ));
            }
            let lint = match raw.lint {
                Some(lint) => {
                    let span = lint.span();
                    let name = lint.into_inner();
                    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
                    {
                        return Err(at(
                            Some(span),
                            format!("`{slug}` has lint = \"{name}\"; name a folder of grader/lints/ (lowercase letters and `-`)"),
                        ));
                    }
                    Some(name)
                }
                None => None,
            };
            let medals = match raw.medals {
                Some(medals) => {
                    let span = medals.span();
                    let medals = medals.into_inner();
                    if !(0.0 < medals.silver && medals.silver < medals.gold) {
                        return Err(at(
                            Some(span),
                            format!("`{slug}` has medals silver = {}, gold = {}; need 0 < silver < gold", medals.silver, medals.gold),
                        ));
                    }
                    Some(medals)
                }
                None => None,
            };
            let (allow_span, allow) = match raw.allow {
                Some(allow) => (Some(allow.span()), allow.into_inner()),
                None => (None, Vec::new()),
            };
            if let Some(bad) = allow.iter().find(|m| !crate::policy::MODULES.contains(&m.as_str()))
            {
                return Err(at(
                    allow_span,
                    format!(
                        "`{slug}` has allow = [\"{bad}\"]; the source policy's modules are {}",
                        crate::policy::MODULES.join(", ")
                    ),
                ));
            }
            let points = match raw.points {
                Some(points) => {
                    let span = points.span();
                    let value = points.into_inner();
                    u32::try_from(value)
                        .ok()
                        .filter(|p| (1..=1000).contains(p))
                        .ok_or_else(|| {
                            at(
                                Some(span),
                                format!("`{slug}` has points = {value}; give a whole number from 1 to 1000"),
                            )
                        })?
                }
                None => DEFAULT_POINTS,
            };
            exercises.push(Exercise {
                number,
                slug,
                title: raw.title,
                topic: raw.topic,
                hints,
                time_limit: Duration::from_secs(seconds),
                models: raw.models,
                lint,
                medals,
                allow_unsafe: raw.allow_unsafe,
                times_cpu: raw.times_cpu,
                allow,
                points,
            });
        }
        Ok(Manifest { exercises })
    }
}

/// `Some(14)` for `ex14-thread-pool-downloader`.
pub(crate) fn parse_slug(slug: &str) -> Option<u32> {
    let rest = slug.strip_prefix("ex")?;
    let (digits, name) = rest.split_at_checked(2)?;
    let name = name.strip_prefix('-')?;
    if digits.bytes().all(|b| b.is_ascii_digit()) && is_name(name) {
        digits.parse().ok()
    } else {
        None
    }
}

/// Lowercase words of letters and digits joined by `-`: `thread-pool`.
pub(crate) fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('-').all(|w| {
            !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// `thread-pool` for `ex13-thread-pool`: a slug's name part. Anything that
/// is not a slug is taken to be a name already.
pub fn name_of(slug: &str) -> &str {
    match parse_slug(slug) {
        Some(_) => &slug[5..],
        None => slug,
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(1, |before| before.matches('\n').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One exercise's entry, as kata.toml writes it.
    fn entry(slug: &str, title: &str, topic: &str, limit: u32) -> String {
        format!(
            "\n[[exercise]]\nslug = \"{slug}\"\ntitle = \"{title}\"\ntopic = \"{topic}\"\n\
             time-limit = {limit}\nhints = [\"a\", \"b\", \"c\"]\n"
        )
    }

    /// Two exercises, ex01 from line 2 and ex14 from line 9.
    fn two() -> String {
        entry("ex01-spawn-and-join", "Spawn", "threads", 5)
            + &entry("ex14-thread-pool-downloader", "Downloader", "pools", 20)
    }

    fn parse(text: &str) -> Result<Manifest, Error> {
        Manifest::parse(text, Path::new("kata.toml"))
    }

    fn error_of(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn checks_crates_are_optimised_only_where_they_time_cpu_work() {
        let text = two().replacen("time-limit = 20", "times-cpu = true\ntime-limit = 20", 1);
        let m = parse(&text).unwrap();
        let timed: Vec<_> = m.exercises.iter().map(|e| (e.number, e.times_cpu)).collect();
        assert_eq!(timed, [(1, false), (14, true)]);
    }

    #[test]
    fn finds_by_number_id_slug_and_name() {
        let m = parse(&two()).unwrap();
        for given in ["14", "ex14", "EX14", "ex14-thread-pool-downloader", "thread-pool-downloader"]
        {
            assert_eq!(m.find(given).unwrap().number, 14, "{given}");
        }
        assert_eq!(m.find("1").unwrap().id(), "ex01");
    }

    #[test]
    fn unknown_id_suggests_the_nearest_and_lists_all() {
        let m = parse(&two()).unwrap();
        let text = m.find("thread-pool-downlaoder").unwrap_err().to_string();
        assert!(text.contains("Did you mean `ex14-thread-pool-downloader`?"), "{text}");
        assert!(text.contains("ex01, ex14"), "{text}");
        let numbered = m.find("ex1-spwn").unwrap_err().to_string();
        assert!(numbered.contains("Did you mean `ex01-spawn-and-join`?"), "{numbered}");
        let far = m.find("zzz").unwrap_err().to_string();
        assert!(!far.contains("Did you mean"), "{far}");
    }

    #[test]
    fn a_bad_slug_names_its_line() {
        let text = two().replace("ex14-thread-pool-downloader", "ex1-pool");
        assert_eq!(
            error_of(&text),
            "kata.toml:10: slug `ex1-pool` is not of the form `exNN-name` (two digits, then lowercase words joined by `-`)"
        );
    }

    #[test]
    fn numbers_must_rise() {
        let text = two().replace("ex14-thread-pool-downloader", "ex01-again");
        assert!(error_of(&text).starts_with("kata.toml:10: `ex01-again` comes after"));
    }

    #[test]
    fn names_are_unique() {
        let m = parse(&two()).unwrap();
        assert_eq!(m.exercises[1].name(), "thread-pool-downloader");
        assert_eq!(m.find("spawn-and-join").unwrap().number, 1);
        let text = two().replace("ex14-thread-pool-downloader", "ex14-spawn-and-join");
        assert!(error_of(&text).starts_with(
            "kata.toml:10: `ex14-spawn-and-join` has the name of `ex01-spawn-and-join`"
        ));
    }

    #[test]
    fn exactly_three_hints() {
        let text = two().replacen(r#"hints = ["a", "b", "c"]"#, r#"hints = ["a"]"#, 1);
        assert!(error_of(&text).starts_with("kata.toml:7: `ex01-spawn-and-join` has 1 hints"));
    }

    #[test]
    fn syntax_errors_and_unknown_fields_name_the_line() {
        assert!(
            error_of(&two().replace("title = \"Spawn\"", "title = ")).starts_with("kata.toml:4:")
        );
        let unknown = error_of(&two().replace("title = \"Spawn\"", "titel = \"Spawn\""));
        assert!(unknown.starts_with("kata.toml:") && unknown.contains("titel"), "{unknown}");
    }

    #[test]
    fn models_and_lint_are_optional_and_checked() {
        let m = parse(&two()).unwrap();
        assert!(m.exercises[0].models.is_empty() && m.exercises[0].lint.is_none());
        let text = two().replacen(
            "time-limit = 5",
            "time-limit = 5\nmodels = [\"shuttle\", \"loom\"]\nlint = \"race\"",
            1,
        );
        let m = parse(&text).unwrap();
        assert_eq!(m.exercises[0].models, [Model::Shuttle, Model::Loom]);
        assert_eq!(m.exercises[0].lint.as_deref(), Some("race"));
        let medals = two().replacen(
            "time-limit = 5",
            "time-limit = 5\nmedals = { silver = 0.15, gold = 0.55 }",
            1,
        );
        assert_eq!(
            parse(&medals).unwrap().exercises[0].medals,
            Some(Medals { silver: 0.15, gold: 0.55 })
        );
        let upside_down = two().replacen(
            "time-limit = 5",
            "time-limit = 5\nmedals = { silver = 0.6, gold = 0.5 }",
            1,
        );
        assert!(
            error_of(&upside_down).contains("need 0 < silver < gold"),
            "{}",
            error_of(&upside_down)
        );
        let bad = two().replacen("time-limit = 5", "time-limit = 5\nmodels = [\"miri\"]", 1);
        assert!(error_of(&bad).starts_with("kata.toml:7:"), "{}", error_of(&bad));
        let bad = two().replacen("time-limit = 5", "time-limit = 5\nlint = \"../x\"", 1);
        assert!(
            error_of(&bad).starts_with("kata.toml:7: `ex01-spawn-and-join` has lint"),
            "{}",
            error_of(&bad)
        );
    }

    #[test]
    fn points_default_to_equal_and_are_checked() {
        let m = parse(&two()).unwrap();
        assert_eq!(m.exercises[0].points, DEFAULT_POINTS);
        let text = two().replacen("time-limit = 5", "time-limit = 5\npoints = 25", 1);
        assert_eq!(parse(&text).unwrap().exercises[0].points, 25);
        for bad in ["0", "-3", "1001"] {
            let text =
                two().replacen("time-limit = 5", &format!("time-limit = 5\npoints = {bad}"), 1);
            assert!(
                error_of(&text)
                    .starts_with(&format!("kata.toml:7: `ex01-spawn-and-join` has points = {bad}")),
                "{}",
                error_of(&text)
            );
        }
    }

    #[test]
    fn time_limit_in_range() {
        let text = two().replace("time-limit = 5", "time-limit = 0");
        assert!(
            error_of(&text).starts_with("kata.toml:6: `ex01-spawn-and-join` has time-limit = 0")
        );
    }
}
