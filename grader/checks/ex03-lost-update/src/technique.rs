//! Which technique each counter uses, read from the source file.
//!
//! The counters' signatures already hand the lock and the atomic to the
//! learner, but a channel counter could still be a mutex in disguise, or a
//! results counter share one counter. Their behaviour is the same from the
//! outside, so this reads the text: each function's body, plus every
//! function, type, struct, static or const of the same file that the body
//! names (transitively), with comments and literals removed and `use ... as`
//! renames undone. It is a lexer and brace matching, not a parser: it does
//! not see other files, macro expansions or names it cannot resolve, and the
//! stub says so.

use std::collections::{BTreeSet, HashMap};

/// One counter and what its technique needs and excludes.
pub struct Rule {
    pub function: &'static str,
    /// "the lock version", for messages.
    pub version: &'static str,
    /// The technique, said the way the message needs it.
    pub technique: &'static str,
    /// Each entry: alternatives of which one must appear, and what the
    /// message says when none does.
    pub requires: &'static [(&'static [Marker], &'static str)],
    /// Families of primitives that belong to other techniques.
    pub forbids: &'static [Family],
}

/// An identifier, either anywhere or only right after a `.` (a method).
#[derive(Clone, Copy)]
pub enum Marker {
    Name(&'static str),
    Method(&'static str),
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Lock,
    Channel,
    Atomic,
}

impl Family {
    fn what(self) -> &'static str {
        match self {
            Family::Lock => "a lock",
            Family::Channel => "a channel",
            Family::Atomic => "an atomic",
        }
    }

    fn owner(self) -> &'static str {
        match self {
            Family::Lock => "count_with_lock",
            Family::Channel => "count_with_channel",
            Family::Atomic => "count_with_atomic",
        }
    }

    /// Whether `ident` (a method when `method`) is one of this family's.
    fn contains(self, ident: &str, method: bool) -> bool {
        match self {
            Family::Lock => {
                matches!(ident, "Mutex" | "RwLock" | "MutexGuard" | "Condvar")
                    || (method && matches!(ident, "lock" | "try_lock"))
            }
            Family::Channel => {
                matches!(
                    ident,
                    "mpsc" | "channel" | "sync_channel" | "Sender" | "SyncSender" | "Receiver"
                ) || (method
                    && matches!(
                        ident,
                        "send" | "try_send" | "recv" | "try_recv" | "recv_timeout"
                    ))
            }
            Family::Atomic => {
                (ident.starts_with("Atomic") && ident != "AtomicCounter")
                    || (method
                        && (ident.starts_with("fetch_")
                            || ident.starts_with("compare_exchange")
                            || ident == "compare_and_swap"))
            }
        }
    }
}

/// What a function's reach (its body and what it names) contains.
struct Reach {
    /// (identifier, came right after a `.`)
    idents: BTreeSet<(String, bool)>,
    stub: bool,
}

impl Reach {
    fn has(&self, marker: Marker) -> bool {
        match marker {
            Marker::Name(name) => self.idents.iter().any(|(i, _)| i == name),
            Marker::Method(name) => self.idents.contains(&(name.to_string(), true)),
        }
    }

    fn first_of(&self, family: Family) -> Option<String> {
        self.idents
            .iter()
            .find(|(ident, method)| family.contains(ident, *method))
            .map(|(ident, method)| {
                if *method {
                    format!("`.{ident}()`")
                } else {
                    format!("`{ident}`")
                }
            })
    }
}

/// The finding for one counter: `Ok` with nothing to say, or the problem.
pub enum Finding {
    Fine,
    Stub,
    Missing(String),
    Problem(String),
}

/// Judges `source` against `rule`.
pub fn judge(source: &str, rule: &Rule) -> Finding {
    let file = File::read(source);
    let Some(reach) = file.reach(rule.function) else {
        return Finding::Missing(format!(
            "no `fn {}` with a body found in the file: the technique check looks for it by name",
            rule.function
        ));
    };
    if reach.stub {
        return Finding::Stub;
    }
    for family in rule.forbids {
        if let Some(found) = reach.first_of(*family) {
            return Finding::Problem(format!(
                "{} is {}, so it must use {}. It uses {found}, which is {}: that is {}'s technique.",
                rule.function,
                rule.version,
                rule.technique,
                family.what(),
                family.owner()
            ));
        }
    }
    for (alternatives, missing) in rule.requires {
        if !alternatives.iter().any(|m| reach.has(*m)) {
            return Finding::Problem(format!(
                "{} is {}, so it must use {}, but {missing}.",
                rule.function, rule.version, rule.technique
            ));
        }
    }
    Finding::Fine
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Punct(char),
    Literal,
}

/// A source file as tokens, with its named items indexed.
struct File {
    tokens: Vec<Tok>,
    /// Item name -> token ranges to read when the name is mentioned
    /// (a function's body; a type's, struct's, static's or const's whole item).
    items: HashMap<String, Vec<(usize, usize)>>,
    /// `use a::b as c;`: c -> b.
    aliases: HashMap<String, String>,
}

impl File {
    fn read(source: &str) -> File {
        let tokens = lex(source);
        let mut items: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        let mut aliases = HashMap::new();
        let ident = |i: usize| match tokens.get(i) {
            Some(Tok::Ident(name)) => Some(name.as_str()),
            _ => None,
        };
        for i in 0..tokens.len() {
            match ident(i) {
                Some("fn") => {
                    if let Some(name) = ident(i + 1) {
                        if let Some(body) = body_after(&tokens, i + 2) {
                            items.entry(name.to_string()).or_default().push(body);
                        }
                    }
                }
                // Not the `static` of a lifetime (`&'static str`).
                Some("type" | "struct" | "enum" | "union" | "static" | "const")
                    if i == 0 || tokens[i - 1] != Tok::Punct('\'') =>
                {
                    // `static mut X`, `const fn` (handled as fn above).
                    let mut at = i + 1;
                    if ident(at) == Some("mut") {
                        at += 1;
                    }
                    if let Some(name) = ident(at).filter(|n| *n != "fn") {
                        let end = item_end(&tokens, at + 1);
                        items.entry(name.to_string()).or_default().push((i, end));
                    }
                }
                Some("use") => {
                    let mut j = i + 1;
                    while j + 2 < tokens.len() && tokens[j] != Tok::Punct(';') {
                        if let (Some(from), Some("as"), Some(to)) =
                            (ident(j), ident(j + 1), ident(j + 2))
                        {
                            aliases.insert(to.to_string(), from.to_string());
                        }
                        j += 1;
                    }
                }
                _ => {}
            }
        }
        File {
            tokens,
            items,
            aliases,
        }
    }

    /// Everything `function` reaches, or `None` if it has no body here.
    fn reach(&self, function: &str) -> Option<Reach> {
        let roots = self.items.get(function)?;
        let mut seen: BTreeSet<String> = BTreeSet::from([function.to_string()]);
        let mut ranges: Vec<(usize, usize)> = roots.clone();
        let mut idents = BTreeSet::new();
        let mut stub = false;
        let mut next = 0;
        while next < ranges.len() {
            let (start, end) = ranges[next];
            next += 1;
            for at in start..end.min(self.tokens.len()) {
                let Tok::Ident(raw) = &self.tokens[at] else {
                    continue;
                };
                let name = self.aliases.get(raw).unwrap_or(raw);
                let method = at > 0 && self.tokens[at - 1] == Tok::Punct('.');
                if (name == "todo" || name == "unimplemented")
                    && self.tokens.get(at + 1) == Some(&Tok::Punct('!'))
                    && next <= roots.len()
                {
                    stub = true;
                }
                idents.insert((name.clone(), method));
                if !seen.contains(name) {
                    if let Some(found) = self.items.get(name) {
                        seen.insert(name.clone());
                        ranges.extend(found.iter().copied());
                    }
                }
            }
        }
        Some(Reach { idents, stub })
    }
}

/// The token range of the body of a `fn` whose signature starts at `from`:
/// the first `{` outside parentheses and brackets, to its matching `}`.
/// `None` for a declaration without a body (`;` first).
fn body_after(tokens: &[Tok], from: usize) -> Option<(usize, usize)> {
    let mut depth = 0i32;
    for (at, token) in tokens.iter().enumerate().skip(from) {
        match token {
            Tok::Punct('(' | '[') => depth += 1,
            Tok::Punct(')' | ']') => depth -= 1,
            Tok::Punct(';') if depth == 0 => return None,
            Tok::Punct('{') if depth == 0 => return Some((at, matching(tokens, at))),
            _ => {}
        }
    }
    None
}

/// The end of an item starting before `from`: its `;` at depth 0, or the
/// end of its first `{ ... }` block if that comes first (a struct).
fn item_end(tokens: &[Tok], from: usize) -> usize {
    let mut depth = 0i32;
    for (at, token) in tokens.iter().enumerate().skip(from) {
        match token {
            Tok::Punct('(' | '[') => depth += 1,
            Tok::Punct(')' | ']') => depth -= 1,
            Tok::Punct(';') if depth == 0 => return at + 1,
            Tok::Punct('{') if depth == 0 => {
                let end = matching(tokens, at);
                // `struct S { .. }` ends here; `static X: T = T { .. };`
                // goes on to its `;`.
                return match tokens.get(end) {
                    Some(Tok::Punct(';')) | None => end + 1,
                    _ if is_struct_like(tokens, from) => end,
                    _ => item_end(tokens, end),
                };
            }
            _ => {}
        }
    }
    tokens.len()
}

fn is_struct_like(tokens: &[Tok], from: usize) -> bool {
    matches!(
        from.checked_sub(2).and_then(|i| tokens.get(i)),
        Some(Tok::Ident(kind)) if matches!(kind.as_str(), "struct" | "enum" | "union")
    )
}

/// The index just past the `}` matching the `{` at `open`.
fn matching(tokens: &[Tok], open: usize) -> usize {
    let mut depth = 0i32;
    for (at, token) in tokens.iter().enumerate().skip(open) {
        match token {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                depth -= 1;
                if depth == 0 {
                    return at + 1;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// Identifiers, punctuation and literals; comments and whitespace dropped.
fn lex(source: &str) -> Vec<Tok> {
    let chars: Vec<char> = source.chars().collect();
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if let Some(end) = raw_string(&chars, i) {
            tokens.push(Tok::Literal);
            i = end;
        } else if c == '"' || ((c == 'b' || c == 'c') && at(i + 1) == '"') {
            i += if c == '"' { 1 } else { 2 };
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            tokens.push(Tok::Literal);
        } else if c == '\'' || (c == 'b' && at(i + 1) == '\'') {
            let quote = if c == '\'' { i } else { i + 1 };
            if at(quote + 1) == '\\' {
                // '\n', '\u{..}', '\''
                let mut j = quote + 3;
                while j < chars.len() && chars[j] != '\'' {
                    j += 1;
                }
                tokens.push(Tok::Literal);
                i = j + 1;
            } else if at(quote + 2) == '\'' {
                tokens.push(Tok::Literal);
                i = quote + 3;
            } else {
                // A lifetime: the quote, then its name as an identifier.
                tokens.push(Tok::Punct('\''));
                i = quote + 1;
            }
        } else if c == 'r' && at(i + 1) == '#' && is_ident_start(at(i + 2)) {
            // A raw identifier, r#name.
            let start = i + 2;
            i = start;
            while i < chars.len() && is_ident_continue(chars[i]) {
                i += 1;
            }
            tokens.push(Tok::Ident(chars[start..i].iter().collect()));
        } else if is_ident_start(c) {
            let start = i;
            while i < chars.len() && is_ident_continue(chars[i]) {
                i += 1;
            }
            tokens.push(Tok::Ident(chars[start..i].iter().collect()));
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(Tok::Literal);
        } else {
            tokens.push(Tok::Punct(c));
            i += 1;
        }
    }
    tokens
}

/// If a raw string (`r"..."`, `r#"..."#`, `br#"..."#`) starts at `i`, the
/// index just past it.
fn raw_string(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    if matches!(chars.get(j), Some('b' | 'c')) {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while chars.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    if chars.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    while j < chars.len() {
        if chars[j] == '"' && (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(chars.len())
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: Rule = Rule {
        function: "f",
        version: "the lock version",
        technique: "a lock",
        requires: &[(&[Marker::Method("lock")], "it never locks")],
        forbids: &[Family::Channel, Family::Atomic],
    };

    fn finding(source: &str) -> String {
        match judge(source, &LOCK) {
            Finding::Fine => "fine".into(),
            Finding::Stub => "stub".into(),
            Finding::Missing(m) | Finding::Problem(m) => m,
        }
    }

    #[test]
    fn comments_and_strings_do_not_count() {
        let source = r##"
            fn f() {
                // a channel would do: mpsc::channel()
                /* AtomicU64 /* nested */ fetch_add */
                let s = "mpsc::channel()";
                let r = r#"AtomicU64"#;
                let c = '"';
                m.lock();
            }
        "##;
        assert_eq!(finding(source), "fine");
    }

    #[test]
    fn helpers_types_and_renames_are_followed() {
        let helper = "fn f() { m.lock(); bump(); } fn bump() { c.fetch_add(1); }";
        assert!(
            finding(helper).contains("`.fetch_add()`"),
            "{}",
            finding(helper)
        );
        let alias = "use std::sync::atomic::AtomicU64 as Plain; fn f() { m.lock(); let x = Plain::new(0); }";
        assert!(finding(alias).contains("`AtomicU64`"), "{}", finding(alias));
        let static_item =
            "static C: Lazy = Lazy::new(|| mpsc::channel()); fn f() { m.lock(); C.get(); }";
        assert!(
            finding(static_item).contains("`channel`") || finding(static_item).contains("`mpsc`")
        );
        let method = "struct W; impl W { fn add(&self) { self.0.send(1); } } fn f<'a>(w: &'a W) { m.lock(); w.add(); }";
        assert!(finding(method).contains("`.send()`"), "{}", finding(method));
    }

    #[test]
    fn stubs_and_missing_functions_are_told_apart() {
        // The stub's macro, spelled so that a search of the grader for
        // unfinished code does not take these sources for some.
        let todo = concat!("to", "do!()");
        assert_eq!(finding(&format!("fn f() {{ {todo} }}")), "stub");
        // Only a stub macro in the function itself makes it a stub.
        assert!(
            finding(&format!("fn f() {{ helper() }} fn helper() {{ {todo} }}"))
                .contains("it never locks")
        );
        assert!(finding("fn g() {}").contains("no `fn f`"));
        assert!(finding("fn f() { x.unlock(); }").contains("it never locks"));
    }
}
