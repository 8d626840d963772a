//! Reading how the code under check is built, for the checks that behaviour
//! cannot settle: a "channel" counter that is a mutex in disguise counts
//! just as right as a real one.
//!
//! [`Sources::under_check`] reads every `.rs` file of the crate under check
//! (the grader names one file, `KATA_SOURCE`; the crate is the folder that
//! holds its `src/`), so a learner who splits the code into modules is read
//! whole. [`Sources::reach`] is what a function reaches: its body, plus every
//! function, type, struct, static or const of those files that the body
//! names (transitively), with comments and literals removed and `use ... as`
//! renames undone. [`judge`] holds that reach to a [`Rule`]: primitives it
//! must use and families of primitives that belong to other techniques.
//!
//! It reads text, not meaning: it does not follow other crates or what a
//! macro expands to, and a name defined twice is read in both places. A
//! stub that relies on it says so in its "what it cannot see".

mod lex;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The most source a check reads (every file together): more is not a
/// workbook exercise, and is not read at all.
const MOST: u64 = 4 << 20;

/// The source files of a crate, lexed and indexed.
pub struct Sources {
    index: lex::Index,
    /// The files read, as shown to the learner (`exercises/ex03/src/lib.rs`).
    shown: Vec<String>,
}

/// An identifier, anywhere or only right after a `.` (a method), exactly or
/// by its start. Written in a [`Rule`] as words: `Mutex` (a name), `.lock`
/// (a method), `Atomic*` and `.fetch_*` (their starts).
#[derive(Clone, Copy, Debug)]
pub enum Marker {
    Name(&'static str),
    Method(&'static str),
    NamePrefix(&'static str),
    MethodPrefix(&'static str),
}

impl Marker {
    /// The markers of a spec: `"Mutex .lock Atomic* .fetch_*"`.
    pub fn parse(spec: &'static str) -> Vec<Marker> {
        spec.split_whitespace()
            .map(|word| match (word.strip_prefix('.'), word.strip_suffix('*')) {
                (Some(method), _) => match method.strip_suffix('*') {
                    Some(start) => Marker::MethodPrefix(start),
                    None => Marker::Method(method),
                },
                (None, Some(start)) => Marker::NamePrefix(start),
                (None, None) => Marker::Name(word),
            })
            .collect()
    }

    fn matches(self, ident: &str, method: bool) -> bool {
        match self {
            Marker::Name(name) => ident == name,
            Marker::Method(name) => method && ident == name,
            Marker::NamePrefix(start) => ident.starts_with(start),
            Marker::MethodPrefix(start) => method && ident.starts_with(start),
        }
    }
}

/// What a function reaches: its body and what it names.
pub struct Reach {
    /// (identifier, came right after a `.`)
    idents: BTreeSet<(String, bool)>,
    /// The function's own body runs a `todo!` or `unimplemented!`.
    stub: bool,
}

impl Reach {
    /// Whether any identifier matches `marker`.
    pub fn has(&self, marker: Marker) -> bool {
        self.idents.iter().any(|(i, m)| marker.matches(i, *m))
    }

    /// The first identifier (in name order) that one of `markers` matches
    /// and none of `except` names, said as code: `` `.lock()` `` or
    /// `` `Mutex` ``.
    pub fn first_of(&self, markers: &[Marker], except: &[&str]) -> Option<String> {
        self.idents
            .iter()
            .filter(|(ident, _)| !except.contains(&ident.as_str()))
            .find(|(ident, method)| markers.iter().any(|m| m.matches(ident, *method)))
            .map(
                |(ident, method)| {
                    if *method {
                        format!("`.{ident}()`")
                    } else {
                        format!("`{ident}`")
                    }
                },
            )
    }

    /// Whether the function's own body is still a stub.
    pub fn is_stub(&self) -> bool {
        self.stub
    }
}

impl Sources {
    /// Reads the crate that `file` belongs to: every `.rs` file under the
    /// `src/` folder above it.
    ///
    /// # Errors
    /// A file that cannot be read, or more source than a check reads.
    pub fn of_crate(file: &Path) -> std::io::Result<Sources> {
        let src = file
            .ancestors()
            .find(|dir| dir.file_name().is_some_and(|n| n == "src"))
            .unwrap_or_else(|| file.parent().unwrap_or(file));
        // Shown from the crate's parent folder: `exercises/ex03-.../src/..`.
        let base = src.parent().and_then(Path::parent).and_then(Path::parent).unwrap_or(src);
        let mut files = Vec::new();
        rust_files(src, &mut files)?;
        files.sort();
        let mut total = 0;
        let mut texts = Vec::new();
        for path in &files {
            total += std::fs::metadata(path)?.len();
            if total > MOST {
                return Err(std::io::Error::other(format!(
                    "more than {} MiB of source under {}",
                    MOST >> 20,
                    src.display()
                )));
            }
            let shown = path.strip_prefix(base).unwrap_or(path).display().to_string();
            texts.push((shown, std::fs::read_to_string(path)?));
        }
        Ok(Sources::from_texts(texts))
    }

    /// The crate under check, as the grader names it (`KATA_SOURCE`); run by
    /// hand, `by_hand`. See [`source_under_check!`](crate::source_under_check).
    ///
    /// # Errors
    /// As [`Sources::of_crate`].
    pub fn under_check(by_hand: &Path) -> std::io::Result<Sources> {
        let named = std::env::var_os(crate::protocol::var::SOURCE).map(PathBuf::from);
        Sources::of_crate(named.as_deref().unwrap_or(by_hand))
    }

    /// Sources from text: `(name shown, text)` for each file.
    pub fn from_texts(texts: Vec<(String, String)>) -> Sources {
        let mut tokens = Vec::new();
        let mut shown = Vec::new();
        for (name, text) in texts {
            tokens.extend(lex::lex(&text));
            shown.push(name);
        }
        Sources { index: lex::Index::new(tokens), shown }
    }

    /// Everything `function` reaches, or `None` if no file has its body.
    pub fn reach(&self, function: &str) -> Option<Reach> {
        self.index.reach(function)
    }

    /// The files read, for messages: `exercises/ex03-lost-update/src/lib.rs`,
    /// or a folder and its files when there are several.
    pub fn shown(&self) -> String {
        match self.shown.as_slice() {
            [one] => one.clone(),
            many => many.join(", "),
        }
    }
}

/// The crate under check as [`Sources::under_check`] reads it, found by
/// hand from the checks crate that calls this (`grader/checks/<slug>`): the
/// learner's `exercises/<slug>` with `--features learner`, else the
/// reference's `solutions/<slug>`.
#[macro_export]
macro_rules! source_under_check {
    () => {{
        let slug = env!("CARGO_PKG_NAME").trim_end_matches("-checks");
        let folder = if cfg!(feature = "learner") { "exercises" } else { "solutions" };
        let by_hand = ::std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../..")
            .join(folder)
            .join(slug)
            .join("src/lib.rs");
        $crate::source::Sources::under_check(&by_hand)
    }};
}

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() {
            rust_files(&path, into)?;
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
    Ok(())
}

/// One function and the technique it must use.
pub struct Rule {
    pub function: &'static str,
    /// "the lock version", for messages.
    pub version: &'static str,
    /// The technique, said the way the message needs it.
    pub technique: &'static str,
    /// Each entry: the markers of which one must appear (a spec, see
    /// [`Marker`]), and what the message says when none does.
    pub requires: &'static [(&'static str, &'static str)],
    /// Families of primitives that belong to other techniques.
    pub forbids: &'static [Family],
}

/// Primitives that belong to one technique.
pub struct Family {
    /// "a lock", for messages.
    pub what: &'static str,
    /// The function whose technique it is.
    pub owner: &'static str,
    /// A spec, see [`Marker`].
    pub markers: &'static str,
    /// Names the markers match that are not the family's (`AtomicCounter`).
    pub except: &'static [&'static str],
}

/// What [`judge`] found for one function.
#[derive(Debug, PartialEq, Eq)]
pub enum Finding {
    Fine,
    Stub,
    Missing(String),
    Problem(String),
}

/// Holds `function`'s reach in `sources` to `rule`.
pub fn judge(sources: &Sources, rule: &Rule) -> Finding {
    let Some(reach) = sources.reach(rule.function) else {
        return Finding::Missing(format!(
            "no `fn {}` with a body found in {}: the technique check looks for it by name",
            rule.function,
            sources.shown()
        ));
    };
    if reach.is_stub() {
        return Finding::Stub;
    }
    for family in rule.forbids {
        if let Some(found) = reach.first_of(&Marker::parse(family.markers), family.except) {
            return Finding::Problem(format!(
                "{} is {}, so it must use {}. It uses {found}, which is {}: that is {}'s technique.",
                rule.function, rule.version, rule.technique, family.what, family.owner
            ));
        }
    }
    for (alternatives, missing) in rule.requires {
        if !Marker::parse(alternatives).into_iter().any(|m| reach.has(m)) {
            return Finding::Problem(format!(
                "{} is {}, so it must use {}, but {missing}.",
                rule.function, rule.version, rule.technique
            ));
        }
    }
    Finding::Fine
}

#[cfg(test)]
mod tests;
