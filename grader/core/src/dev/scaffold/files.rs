//! The files `kata dev new` writes, each a small working example of its
//! kind: the sum of some numbers, which the author replaces with the lesson.
//! The manifests are the shipped ones renamed (a test holds them to ex01's).

pub(super) fn entry(slug: &str, title: &str, topic: &str, function: &str) -> String {
    format!(
        r#"[[exercise]]
slug = "{slug}"
title = "{title}"
topic = "{topic}"
time-limit = 10
hints = [
    "A nudge: what `{function}` has to get right, and where to start.",
    "A direction: which part of std does it, and how the pieces fit.",
    "Nearly the answer: `items.iter().sum()`.",
]
"#
    )
}

/// The `[package]` table every crate of the workbook opens with.
fn package(name: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition.workspace = true\npublish.workspace = true\n")
}

pub(super) fn crate_manifest(name: &str, lib: Option<&str>) -> String {
    let lib = lib.map(|name| format!("\n[lib]\nname = \"{name}\"\n")).unwrap_or_default();
    format!(
        r#"{}{lib}
[dependencies]

# Code under check may not use `unsafe`, which would let it reach past the
# grader (the threat model: book/src/grading.md). kata refuses this file
# unless it matches the reference's manifest, so this stays.
[lints.rust]
unsafe_code = "forbid"
"#,
        package(name)
    )
}

pub(super) fn checks_manifest(slug: &str) -> String {
    format!(
        r#"{}
# The same checks build against the learner's crate or the reference: the
# grader passes `--no-default-features --features learner` (or `reference`).
[features]
default = ["reference"]
learner = ["dep:learner"]
reference = ["dep:reference"]

[dependencies]
kata-harness.workspace = true
learner = {{ package = "{slug}", path = "../../../exercises/{slug}", optional = true }}
reference = {{ package = "{slug}-solution", path = "../../../solutions/{slug}", optional = true }}
"#,
        package(&format!("{slug}-checks"))
    )
}

pub(super) fn stub(id: &str, title: &str, slug: &str, function: &str) -> String {
    format!(
        r#"//! # {id} · {title}
//!
//! Goal: write `{function}(items)`, which returns the sum of the items.
//! (Say here what the learner builds, and why it matters.)
//!
//! What `kata check {id}` verifies:
//! - the sum of 1 to 100 is 5050.
//!
//! What it cannot see: say honestly what the checks cannot tell apart.
//!
//! Read: book/src/exercises/{slug}.md
//! Check: cargo kata check {id}

/// Returns the sum of `items`.
pub fn {function}(items: Vec<u64>) -> u64 {{
    // TODO: add the items up.
    let _ = items;
    todo!()
}}
"#
    )
}

pub(super) fn solution(id: &str, title: &str, function: &str) -> String {
    format!(
        r#"//! The reference solution of {id} · {title}.

/// Returns the sum of `items`.
pub fn {function}(items: Vec<u64>) -> u64 {{
    items.iter().sum()
}}
"#
    )
}

pub(super) fn checks(id: &str, title: &str, function: &str) -> String {
    format!(
        r#"//! The hidden checks of {id} · {title}.
//!
//! Say here what the checks hand the code and what they measure: the
//! learner's code is untrusted, so each check counts for itself.

use kata_harness::{{ensure, fail, pass, within, Verdict}};

kata_harness::exercise!({function});

fn main() -> std::process::ExitCode {{
    kata_harness::main(&kata_harness::checks! {{
        "sums-the-items" => sums_the_items,
            "the sum of 1 to 100 is 5050";
    }})
}}

fn sums_the_items() -> Verdict {{
    let got = within(kata_harness::step_limit(), "{function} on 100 items", || {{
        {function}((1..=100).collect())
    }})?;
    ensure(got == 5050, || {{
        fail(format!("the sum of 1 to 100 is 5050, but {function} returned {{got}}"))
    }})?;
    Ok(pass("1 to 100 add up to 5050"))
}}
"#
    )
}

pub(super) fn chapter(id: &str, title: &str, slug: &str, function: &str) -> String {
    format!(
        r#"# {id} · {title}

> Exercise: `exercises/{slug}/src/lib.rs` · check it with
> `cargo kata check {id}`

## The idea

What the learner meets here, in Python's terms and then in Rust's.

## The Rust way

How std does it, with a short example that compiles:

```rust
let items: Vec<u64> = (1..=100).collect();
assert_eq!(items.iter().sum::<u64>(), 5050);
```

## Pitfalls

- **The first mistake.** What it looks like, and why it is wrong.

## What the grader measures, and why

`{function}` is called on 1 to 100, and must return 5050.
"#
    )
}
