//! The lexer under [`super`]: identifiers, punctuation and literals, with
//! comments dropped, and the named items of the files (functions, types,
//! structs, statics, consts) indexed by name with the token range to read
//! when the name is mentioned. A lexer and brace matching, not a parser.

use super::Reach;
use std::collections::{BTreeSet, HashMap};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Tok {
    Ident(String),
    Punct(char),
    Literal,
}

/// Source files as one stream of tokens, with their named items indexed.
pub(super) struct Index {
    tokens: Vec<Tok>,
    /// Item name -> token ranges to read when the name is mentioned
    /// (a function's body; a type's, struct's, static's or const's whole item).
    items: HashMap<String, Vec<(usize, usize)>>,
    /// `use a::b as c;`: c -> b.
    aliases: HashMap<String, String>,
}

impl Index {
    /// Indexes the tokens of every file (one stream: items are found by name
    /// wherever they are, across modules).
    pub(super) fn new(tokens: Vec<Tok>) -> Index {
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
        Index { tokens, items, aliases }
    }

    /// Everything `function` reaches, or `None` if it has no body here.
    pub(super) fn reach(&self, function: &str) -> Option<Reach> {
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
pub(super) fn lex(source: &str) -> Vec<Tok> {
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
