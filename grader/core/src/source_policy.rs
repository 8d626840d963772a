//! The source policy: what learner code, which runs inside the checks process, may not name:
//! files, processes, the environment, OS handles and sockets (`fs`, `process`, `env`, `os`, `net`
//! in a path under any crate or alias, unless the manifest allows one), compile-time reads and
//! machine code (`include!`, `env!`, `global_asm!`, ...), `extern`, attributes that load files,
//! place symbols or change how the crate is built (`#[path]`, `#[link_section]`, ...), and paths
//! or attributes completed by a macro argument (`std::$m`). It reads tokens, not text: comments
//! and literals are not code, `r#fs` is `fs`, whitespace inside a path changes nothing. Seeing one
//! file and no name resolution, it refuses where it cannot know: a forbidden name anywhere in a
//! `macro_rules!` or in the arguments of a non-standard macro (which could join it into a path),
//! and a macro (re)named as a standard one. It cannot see into dependencies (an HTTP client, a
//! proc macro), std APIs that touch the system unnamed (`Path::exists`), or an abort by panic.

use lex::Kind;

/// Exceptions an exercise's manifest may grant, e.g. an exercise about sockets allows `"net"`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allowances {
    /// Names from the forbidden modules (`fs`, `process`, `env`, `os`, `net`) this exercise may use.
    pub modules: Vec<String>,
}

/// One thing the policy refuses: where (1-based line and column, in chars), what, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub line: usize,
    pub column: usize,
    /// The thing as the learner wrote it, e.g. "`std::fs`", "`include_str!`", "`#[path]`".
    pub what: String,
    /// What it would do, why kata refuses it, and what to do instead.
    pub why: String,
}

/// Why `name` is refused as a module path segment (`"mod"`), a macro or an attribute.
fn why(role: &str, name: &str) -> Option<&'static str> {
    Some(match (role, name) {
        ("mod", "fs") => "`fs`: code under check may not read or write files: the grader's own results and the workbook live there. Keep your data in memory, in what the exercise hands you.",
        ("mod", "process") => "`process`: exiting, aborting or spawning a command ends or escapes the check, and library code returns, it never ends the process. Return a value (or panic) instead.",
        ("mod", "env") => "`env`: code under check may not read the environment or the command line, as a result must not depend on how it is graded. Take what you need as a parameter.",
        ("mod", "os") => "`os`: OS-specific handles such as raw file descriptors are the way to the grader's own channel. Use the portable std types instead.",
        ("mod", "net") => "`net`: only the exercise's own HTTP client may use the network. Reach it through the client the exercise gives you.",
        ("macro", "include" | "include_str" | "include_bytes") => "`include!` and its kin read a file at compile time, from anywhere on the machine. Put the data in your source as a literal.",
        ("macro", "env" | "option_env") => "`env!` and `option_env!` read the grader's environment at compile time: a result must not depend on how it is built.",
        ("macro", "asm" | "global_asm" | "naked_asm") => "`asm!` and its kin are machine code the compiler cannot check; `global_asm!` even runs before main without `unsafe`. Write Rust.",
        ("macro", "concat_idents") => "`concat_idents!` builds an identifier kata cannot read, which could name a forbidden module. Write the name out.",
        ("attr", "path") => "loads a module's file from anywhere on the machine. Keep each module as a file in `src/` and declare it with a plain `mod name;`.",
        ("attr", "link" | "link_name" | "link_ordinal" | "link_section" | "export_name" | "no_mangle" | "used") => "links foreign code, or places or names a symbol by hand: the way to run code before main or to replace the grader's own functions. Remove it.",
        ("attr", "no_main" | "no_std" | "no_core" | "crate_type" | "crate_name" | "windows_subsystem" | "no_builtins") => "changes how the whole crate is built, which is the grader's to decide. Remove it.",
        ("attr", "global_allocator") => "replaces the allocator of the whole checks process, the grader's included. Remove it.",
        _ => return None,
    })
}
const MODELED: &str = "tells the model checker's build from the others, so the code could behave one way where interleavings are explored and another where they are not. The same code must run under every build. Remove it.";
const EXTERN: &str = "`extern` declares foreign functions or crates the exercise does not need: everything it uses is already a dependency. Remove it.";
const SPLICED: &str = "a path whose module comes from a macro argument hides which module it names (an attribute built from one, which attribute it is), so kata cannot check it. Write it out in full.";
const SHADOW: &str = "redefines a standard macro, which kata trusts not to build paths out of its arguments. Give your macro a name of its own.";
const INSIDE: &str = " Inside a macro of your own kata cannot tell whether the name ends up in a path or an attribute, so it refuses it there too: rename it, or use it outside the macro.";
/// Macros that never join their arguments into paths or attributes, and keywords that may stand
/// before `!` (`if !(a) {}`): `macro_rules!` and `use ... as` may not take these names.
const TRUSTED: &str = "if while match return in break yield else assert assert_eq assert_ne debug_assert debug_assert_eq debug_assert_ne print println eprint eprintln format format_args write writeln panic todo unimplemented unreachable vec matches dbg concat stringify line column file module_path cfg thread_local is_x86_feature_detected compile_error select join try_join pin";

/// Every refused use in `source` (one Rust file), in source order, at most one Finding per distinct `what`.
pub fn scan(source: &str, allowances: &Allowances) -> Vec<Finding> {
    let toks = lex::tokenize(source);
    let text = |i: usize| toks.get(i).map_or("", |t| t.text);
    let is = |i: usize, s: &str| text(i) == s;
    let open = |i: usize| is(i, "(") || is(i, "[") || is(i, "{");
    // Per open bracket, inherited by those inside: in an attribute (an inner one?), and in the
    // tokens of which untrusted macro. Pending: what the next open bracket starts.
    let mut stack: Vec<(Option<bool>, Option<String>)> = Vec::new();
    let (mut out, mut pending, mut in_use) = (Vec::<Finding>::new(), (None, None), false);
    for (i, t) in toks.iter().enumerate() {
        let after = |s: &str| i > 0 && is(i - 1, s);
        let ident = matches!(t.kind, Kind::Ident | Kind::RawIdent);
        let bang = is(i + 1, "!");
        match t.text {
            "(" | "[" | "{" => {
                let (attr, mac) = std::mem::take(&mut pending);
                let up = stack.last().cloned().unwrap_or_default();
                stack.push((attr.or(up.0), mac.or(up.1)));
            }
            ")" | "]" | "}" => drop(stack.pop()),
            ";" => in_use = false,
            "use" => in_use = !is(i + 1, "<"), // not `impl Trait + use<'a>`
            "#" if is(i + 1 + usize::from(bang), "[") => pending.0 = Some(bang), // `#[`, `#![`
            _ if !ident && t.text != "::" && t.text != "$" => continue,
            _ => {}
        }
        let name = t.text.strip_prefix("r#").unwrap_or(t.text);
        let trusted = || TRUSTED.split(' ').any(|n| n == name);
        let next = text(i + 1);
        if ident && bang && open(i + 2) && !trusted() {
            pending.1 = Some(format!("`{}!`", t.text));
        }
        if name == "macro_rules" && bang && open(i + 3) {
            pending.1 = Some(format!("`macro_rules! {}`", text(i + 2)));
        }
        let allowed = || allowances.modules.iter().any(|m| m == name);
        let (module, mac) = (why("mod", name).filter(|_| !allowed()), why("macro", name));
        let attr = why("attr", name).map(|why| format!("the `{name}` attribute {why}"));
        let any = module.or(mac).map(String::from).or(attr.clone());
        let (in_attr, untrusted) = stack.last().map_or((None, None), |f| (f.0, f.1.as_deref()));
        // `$name`, or the fragment specifier of `$p:path`: not a name the macro outputs.
        let metavar = after("$") || (after(":") && i >= 3 && is(i - 3, "$"));
        let hit = |what: String, why: &str| Some((what, why.to_string()));
        let found = if t.text == "::" && next == "$" {
            hit(format!("`::${}`", text(i + 2)), SPLICED)
        } else if t.text == "$" && (in_use || in_attr.is_some()) && !after("::") && next != "crate"
        {
            hit(format!("`${next}` in a `use` or an attribute"), SPLICED)
        } else if matches!(name, "kata_shuttle" | "kata_loom")
            || (name == "MODEL" && (after("::") || in_use))
            || (name == "model" && after("::") && i >= 2 && is(i - 2, "kata_sync"))
        {
            hit(format!("`{}`", t.text), MODELED)
        } else if t.text == "extern" {
            hit("`extern`".into(), EXTERN)
        } else if after("!") && i >= 2 && is(i - 2, "macro_rules") && trusted() {
            hit(format!("`macro_rules! {name}`"), SHADOW)
        } else if in_use && after("as") && trusted() {
            hit(format!("`as {name}`"), SHADOW)
        } else if let Some(why) = mac.filter(|_| bang || (in_use && module.is_none())) {
            hit(format!("`{name}!`"), why)
        } else if let Some(why) = module.filter(|_| after("::") || next == "::" || in_use) {
            // With the segment before it, if any: `std::fs`, `s::fs`, `std::r#fs`.
            let prefixed = after("::") && i >= 2 && toks[i - 2].kind != Kind::Punct;
            let from = i - 2 * usize::from(prefixed);
            let path: String = toks[from..=i].iter().map(|t| t.text).collect();
            hit(format!("`{path}`"), why)
        } else if let (Some(why), Some(inner)) = (&attr, in_attr) {
            hit(format!("`#{}[{name}]`", ["", "!"][usize::from(inner)]), why)
        } else if let (Some(why), Some(m), false) = (any, untrusted, metavar) {
            hit(format!("`{}` inside {m}", t.text), &(why + INSIDE))
        } else {
            None
        };
        if let Some((what, why)) = found.filter(|(what, _)| out.iter().all(|f| &f.what != what)) {
            out.push(Finding { line: t.line, column: t.column, what, why });
        }
    }
    out
}

/// A small Rust tokenizer: enough of the lexical grammar to tell code from comments and literals.
/// It never fails: on malformed input it still gives tokens; what is unterminated ends at EOF.
mod lex {
    /// `Ident` (keywords too), `RawIdent` (`r#name`, the identifier `name`), `Lifetime` (labels
    /// too), `Literal` (strings, chars, bytes and numbers, suffix included), `Punct` (a char, `::`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Kind {
        Ident,
        RawIdent,
        Lifetime,
        Literal,
        Punct,
    }

    /// One token: its text in the source, and where it starts (1-based; the column counts chars).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Token<'a> {
        pub kind: Kind,
        pub text: &'a str,
        pub line: usize,
        pub column: usize,
    }

    /// The tokens of `source`, without comments, a leading byte order mark or a shebang line.
    pub fn tokenize(source: &str) -> Vec<Token<'_>> {
        let src = source.strip_prefix('\u{feff}').unwrap_or(source);
        let (mut toks, mut pos, mut seen, mut line, mut column) = (Vec::new(), 0, 0, 1, 1);
        // `#!` starts a shebang line unless an inner attribute's `[` follows.
        if src.starts_with("#!") && !src[skip(src, 2)..].starts_with('[') {
            pos = src.find('\n').unwrap_or(src.len());
        }
        pos = skip(src, pos);
        while let Some((kind, from, end)) = next(src, pos) {
            for &b in &src.as_bytes()[seen..pos] {
                if b == b'\n' {
                    (line, column) = (line + 1, 1);
                } else if b & 0xC0 != 0x80 {
                    column += 1;
                }
            }
            toks.push(Token { kind, text: &src[from..end], line, column });
            (seen, pos) = (pos, skip(src, end));
        }
        toks
    }

    /// Rust's whitespace (Pattern_White_Space); any other non-ASCII char is read as part of an identifier.
    fn is_space(c: char) -> bool {
        matches!(c, '\t'..='\r' | ' ')
            || !c.is_ascii() && "\u{85}\u{200e}\u{200f}\u{2028}\u{2029}".contains(c)
    }
    fn is_ident(c: char) -> bool {
        c == '_' || c.is_ascii_alphanumeric() || (!c.is_ascii() && !is_space(c))
    }
    fn ch(src: &str, i: usize) -> Option<char> {
        match src.as_bytes().get(i) {
            Some(&b) if b < 0x80 => Some(b as char), // the fast way, for ASCII
            _ => src.get(i..)?.chars().next(),
        }
    }
    fn eat(src: &str, mut i: usize, f: impl Fn(char) -> bool) -> usize {
        while let Some(c) = ch(src, i).filter(|&c| f(c)) {
            i += c.len_utf8();
        }
        i
    }

    /// Past whitespace and comments: line, doc and nested block ones.
    fn skip(src: &str, mut i: usize) -> usize {
        loop {
            i = eat(src, i, is_space);
            let b = src.as_bytes();
            if b[i..].starts_with(b"//") {
                i = src[i..].find('\n').map_or(b.len(), |k| i + k);
            } else if b[i..].starts_with(b"/*") {
                let mut depth = 1;
                i += 2;
                while depth > 0 && i < b.len() {
                    let two = &b[i..b.len().min(i + 2)];
                    let (open, close) = (two == b"/*", two == b"*/");
                    depth += open as i32 - close as i32;
                    i += 1 + (open || close) as usize;
                }
            } else {
                return i;
            }
        }
    }

    /// The token at `i` (past trivia): its kind, where its text starts, and where it ends. A
    /// literal's suffix (`1u32`, `'x'suffix`) is part of it, as in rustc.
    fn next(src: &str, i: usize) -> Option<(Kind, usize, usize)> {
        let c = ch(src, i)?;
        let at = |k: usize, s: &str| src[i..].get(k..).is_some_and(|r| r.starts_with(s));
        let digit = |k: usize| ch(src, k).is_some_and(|c| c.is_ascii_digit());
        if let Some(end) = raw_string(src, i) {
            return Some((Kind::Literal, i, end));
        }
        Some(match c {
            '"' => (Kind::Literal, i, string(src, i + 1)),
            '\'' => quote(src, i, i + 1),
            'b' if at(1, "'") => (Kind::Literal, i, quote(src, i, i + 2).2),
            'b' | 'c' if at(1, "\"") => (Kind::Literal, i, string(src, i + 2)),
            'r' if at(1, "#") && ch(src, i + 2).is_some_and(is_ident) => {
                (Kind::RawIdent, i, eat(src, i + 2, is_ident))
            }
            '0'..='9' => {
                let mut end = eat(src, i, is_ident);
                while src[end..].starts_with('.') && digit(end + 1) {
                    end = eat(src, end + 1, is_ident); // `1.5`, not `1..x` or `1.max(2)`
                }
                (Kind::Literal, i, end)
            }
            c if is_ident(c) => (Kind::Ident, i, eat(src, i, is_ident)),
            _ => (Kind::Punct, i, i + c.len_utf8() + usize::from(at(0, "::"))),
        })
    }

    /// From after an opening `"` past its closing one, over `\` escapes.
    fn string(src: &str, mut i: usize) -> usize {
        let b = src.as_bytes();
        while i < b.len() && b[i] != b'"' {
            i += 1 + usize::from(b[i] == b'\\');
        }
        eat(src, b.len().min(i + 1), is_ident)
    }

    /// At `r`, `br` or `cr`: the end of a raw string `r#*"..."#*`, if one starts here.
    fn raw_string(src: &str, i: usize) -> Option<usize> {
        let r = i + usize::from(matches!(src.as_bytes()[i], b'b' | b'c'));
        let hashes = src.get(r + 1..)?.bytes().take_while(|&b| b == b'#').count();
        let body = r + 2 + hashes;
        if !src[r..].starts_with('r') || src.as_bytes().get(body - 1) != Some(&b'"') {
            return None;
        }
        let close = format!("\"{}", "#".repeat(hashes));
        let found = src[body..].find(&close);
        let end = found.map_or(src.len(), |k| body + k + close.len());
        Some(eat(src, end, is_ident))
    }

    /// From after a `'`: a lifetime or label, or a char literal, told apart as rustc does.
    fn quote(src: &str, start: usize, mut i: usize) -> (Kind, usize, usize) {
        let first = ch(src, i);
        let second = first.and_then(|c| ch(src, i + c.len_utf8()));
        if first.is_some_and(is_ident) && second != Some('\'') {
            i = eat(src, i, is_ident);
            if ch(src, i) != Some('\'') {
                return (Kind::Lifetime, start, i);
            }
            i += 1;
        } else if second == Some('\'') && first != Some('\\') {
            i += first.map_or(0, char::len_utf8) + 1;
        } else {
            // An escape, or malformed (and so refused by rustc): up to the closing `'` or the line's end.
            while let Some(c) = ch(src, i).filter(|&c| c != '\'' && c != '\n') {
                let escaped = ch(src, i + 1).filter(|_| c == '\\');
                i += c.len_utf8() + escaped.map_or(0, char::len_utf8);
            }
            i += usize::from(ch(src, i) == Some('\''));
        }
        (Kind::Literal, start, eat(src, i, is_ident))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    const NONE: Allowances = Allowances { modules: vec![] };

    fn whats(src: &str) -> Vec<String> {
        scan(src, &NONE).into_iter().map(|f| f.what).collect()
    }

    /// One case a line: `source ⇒ what | what` (none: allowed); `⏎` is a newline in the source.
    const CASES: &str = r###"
use std::fs; use std::process as p; ⇒ `std::fs` | `std::process`
#[cfg(kata_shuttle)] fn a() {} fn b() -> bool { cfg!(kata_loom) || kata_sync::MODEL.is_some() } ⇒ `kata_shuttle` | `kata_loom` | `MODEL`
use kata_sync::model::narrate; fn model() {} ⇒ `model`
fn f() { std::fs::write("a", "b").ok(); std::fs::read("a").ok(); } ⇒ `std::fs`
use std::*; fn f() { fs::write("a", "b"); process::exit(0) } ⇒ `fs` | `process`
use std::{fs}; ⇒ `fs`
use std::{io, {fs}}; ⇒ `fs`
use std::{fs as files}; ⇒ `fs`
use std as s; fn f() { s::process::exit(0) } use std::{self as t}; fn g() { t::fs::read("x"); } ⇒ `s::process` | `t::fs`
fn f() { std:: /* */ fs::read("x"); std :: env :: args(); } ⇒ `std::fs` | `std::env`
fn f() { std::r#fs::read("x"); std:: fs::read("x"); } ⇒ `std::r#fs` | `std::fs`
fn f() { ::std::process::abort(); tokio::fs::read("x"); let _ = core::net::Ipv4Addr::LOCALHOST; } ⇒ `std::process` | `tokio::fs` | `core::net`
fn f(x: impl std::os::fd::AsRawFd) -> Vec<std::fs::File> { <std::process::Command>::new("sh"); vec![] } ⇒ `std::os` | `std::fs` | `std::process`
use std::*; fn f() { let _ = 0..fs::read("x").unwrap().len(); } ⇒ `fs`
macro_rules! m { ($x:ident) => { std::$x::exit(0) } } m!(process); ⇒ `::$x` | `process` inside `m!`
use std::*; macro_rules! m { ($x:ident) => { $x::exit(0) } } fn f() { m!(process) } ⇒ `process` inside `m!`
use std::*; macro_rules! m { ($a:tt, $b:tt) => { $a $b write("x", "") } } m!(fs, ::); ⇒ `fs` inside `m!`
macro_rules! m { ($($t:ident)*) => { $($t)::* :: exit(0) } } fn f() { m!(std process) } ⇒ `process` inside `m!`
fn f() { assert!(m!(fs)); } macro_rules! n { () => { fs } } ⇒ `fs` inside `m!` | `fs` inside `macro_rules! n`
macro_rules! m { ($x:ident) => { use std::{$x as f}; } ($a:ident) => { #[$a = "x.rs"] mod x; } } ⇒ `$x` in a `use` or an attribute | `$a` in a `use` or an attribute
macro_rules! vec { ($a:tt) => { $a } } use crate::m as assert_eq; ⇒ `macro_rules! vec` | `as assert_eq`
#[cfg_attr(all(), path = "../../../x.rs")] mod y; ⇒ `#[path]`
#![cfg_attr(all(), no_std)] #[used] #[link_section = ".init_array"] static F: fn() = f; ⇒ `#![no_std]` | `#[used]` | `#[link_section]`
#[global_allocator] static A: std::alloc::System = std::alloc::System; #[no_mangle] fn f() {} #[path = "x.rs"] mod x; ⇒ `#[global_allocator]` | `#[no_mangle]` | `#[path]`
const S: &str = include_str!("/etc/passwd"); include!(concat!("/", "x.rs")); const V: &str = env!("HOME"); ⇒ `include_str!` | `include!` | `env!`
const W: Option<&str> = std::option_env!("HOME"); const B: &[u8] = include_bytes!("x"); ⇒ `option_env!` | `include_bytes!`
core::arch::global_asm!("nop"); use core::arch::asm as g; extern crate std as s; ⇒ `global_asm!` | `asm!` | `extern`
extern "C" { fn abort(); } pub extern "C" fn f() {} ⇒ `extern`
#!/usr/bin/env run-cargo-script⏎use std::env; ⇒ `std::env`
#!⏎[no_std] ⇒ `#![no_std]`
﻿use std::fs; ⇒ `std::fs`
fn f() { let _ = r##"raw "# fs"##; std::process::exit(0) } fn f<'a>(x: &'a str) -> char { 'x' } /* /* nested */ std::fs */ fn g() { std::net::TcpStream; } ⇒ `std::process` | `std::net`
fn f() { let _ = br##"x"# "##; let _ = cr#"y"#; let _ = ('\'', b'"', '"'); std::env::args(); } ⇒ `std::env`
/// uses std::fs::write⏎//! std::process::exit⏎/** std::env */ fn f() -> &'static str { "std::fs::write" } ⇒
fn process(x: u32) -> u32 { x } fn g(x: &S) { let env = 3; let os = env; process(os); x.process(); x.net; } ⇒
fn g() { assert_eq!(process(1), 2); println!("{}", env); 'outer: loop { break 'outer; } if !(process(1) > 2) {} } ⇒
use std::io::{self, Write}; use std::{thread, sync::{Arc, Mutex}, time::Duration, collections::HashMap, ptr, mem}; ⇒
fn f() { tokio::spawn(async {}); rayon::join(|| 1, || 2); let _ = kata_sync::Mutex::new(1); std::hint::spin_loop(); } ⇒
fn f() { if is_x86_feature_detected!("avx2") { let _ = std::arch::x86_64::_mm256_add_pd; } let _ = io::stdout().flush(); } ⇒
#[derive(Debug)] #[inline] #[test] #[allow(dead_code)] #[tokio::main] #[cfg(test)] #[doc = "path"] fn f() {} ⇒
#[must_use] #[cfg(target_os = "linux")] #[serde(rename = "used")] #[ignore] #[cfg_attr(test, derive(Debug))] fn f() {} ⇒
macro_rules! m { ($p:path, $e:expr) => { $crate::helper($e) } } compile_error!("no"); fn r#extern() {} fn r#use() {} fn g() { while !env {} } fn f() -> impl Sized + use<> { let env = 1; env } ⇒
fn f() { let _ = c"fs::x"; let _ = 1_000u32 + 0x1f + 1.5e3 as u32; let _ = "\"std::fs\""; } ⇒
"###;
    #[test]
    fn cases() {
        for (src, want) in CASES.lines().filter_map(|l| l.split_once(" ⇒")) {
            let want: Vec<_> = want.trim().split(" | ").filter(|w| !w.is_empty()).collect();
            assert_eq!(whats(&src.replace('⏎', "\n")), want, "{src}");
        }
    }

    #[test]
    fn positions_allowances_and_tokens() {
        let f = &scan("fn a() {}\nfn é() { std::fs::read(\"x\"); }", &NONE)[0];
        assert_eq!((f.line, f.column, &*f.what), (2, 15, "`std::fs`"));
        let mut net = NONE;
        net.modules.push("net".into());
        assert_eq!(scan("use std::net::TcpStream; use tokio::net;", &net), []);
        let toks = lex::tokenize("r#fs 'a 'b' b'\\'' br##\"x\"## 1u32 :: $ é");
        let show = |t: &lex::Token| format!("{:?} {} {}", t.kind, t.text, t.column);
        let got: Vec<_> = toks.iter().map(show).collect();
        let want = "RawIdent r#fs 1|Lifetime 'a 6|Literal 'b' 9|Literal b'\\'' 13|Literal br##\"x\"## 19|Literal 1u32 29|Punct :: 34|Punct $ 37|Ident é 39";
        assert_eq!(got.join("|"), want);
    }

    fn read(path: impl AsRef<Path>) -> String {
        std::fs::read_to_string(path).unwrap_or_default()
    }

    /// The `.rs` files under `dir`, found by walking it; none if it is absent.
    fn rust_files(dir: &Path) -> Vec<PathBuf> {
        let entries = std::fs::read_dir(dir).into_iter().flatten().flatten();
        let paths = entries.map(|e| e.path());
        paths
            .flat_map(|p| if p.is_dir() { rust_files(&p) } else { vec![p] })
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .collect()
    }

    /// Also times a scan of the largest: `cargo test --release solutions -- --nocapture`.
    #[test]
    fn reference_solutions_pass_and_known_hostile_code_is_refused() {
        let files = rust_files("/work/main/solutions".as_ref());
        let in_src = |f: &&PathBuf| f.components().any(|c| c.as_os_str() == "src");
        for file in files.iter().filter(in_src) {
            assert_eq!(scan(&read(file), &NONE), [], "{}", file.display());
        }
        if let Some(big) = files.iter().max_by_key(|f| read(f).len()) {
            let (src, mut times) = (read(big), Vec::new());
            for _ in 0..1000 {
                let start = std::time::Instant::now();
                std::hint::black_box(scan(std::hint::black_box(&src), &NONE));
                times.push(start.elapsed());
            }
            times.sort();
            eprintln!("scan of {}: median {:?}", big.display(), times[500]);
        }
        let hostile = read("/work/main/tests/hostile/ex01-spawn-and-join/detects_grading.rs");
        let wrong = read("/work/main/tests/wrong/ex01-spawn-and-join/exits_early.rs");
        if !hostile.is_empty() && !wrong.is_empty() {
            assert_eq!(whats(&hostile), ["`std::env`", "`std::process`"]);
            assert_eq!(whats(&wrong), ["`std::process`"]);
        }
    }

    #[test]
    fn never_panics() {
        let alphabet = b"r#b'c\"\\/*!:$[](){}fs\n x\xc3\xa9";
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        for round in 0..4000 {
            let mut random = || {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let r = (x >> 33) as usize;
                [alphabet[r % alphabet.len()], r as u8][round % 2]
            };
            let bytes: Vec<u8> = (0..round % 97).map(|_| random()).collect();
            scan(&String::from_utf8_lossy(&bytes), &NONE);
        }
        let src = read("/work/main/solutions/ex01-spawn-and-join/src/lib.rs");
        for end in (0..=src.len()).filter(|&e| src.is_char_boundary(e)) {
            scan(&src[..end], &NONE);
        }
    }
}
