//! `kata book`: build the book and open it; and the book's preprocessor,
//! through which the book reads the manifest.

use crate::render::command;
use anyhow::{bail, Context};
use kata_core::workbook::Workbook;
use serde_json::Value;
use std::io::Read;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

/// Builds `book/` with mdbook, then opens it (or serves it, live).
pub fn run(workbook: &Workbook, serve: bool, open: bool) -> anyhow::Result<ExitCode> {
    let version = Command::new("mdbook").arg("--version").output();
    if !version.is_ok_and(|o| o.status.success()) {
        bail!(
            "the book needs mdbook, which is not installed.\n\
             Install it once with `cargo install mdbook --locked` (about two minutes), then run {} again.\n\
             Meanwhile the chapters are plain Markdown in book/src/.",
            command("book")
        );
    }
    let book = workbook.root().join("book");
    if serve {
        let status = Command::new("mdbook")
            .arg("serve")
            .arg(&book)
            .args(if open { &["--open"][..] } else { &[][..] })
            .status()
            .context("could not start `mdbook serve`")?;
        return Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::from(2) });
    }
    let status = Command::new("mdbook")
        .arg("build")
        .arg(&book)
        .status()
        .context("could not run `mdbook build`")?;
    if !status.success() {
        bail!("`mdbook build book` failed; its messages are above");
    }
    let index = book.join("book").join("index.html");
    println!("The book is built: {}", index.display());
    if open && !open_in_browser(&index) {
        println!("Open that file in your browser, or run {} to serve it.", command("book --serve"));
    }
    Ok(ExitCode::SUCCESS)
}

fn open_in_browser(page: &Path) -> bool {
    let opener: &[&str] = if cfg!(target_os = "macos") {
        &["open"]
    } else if cfg!(windows) {
        &["cmd", "/C", "start", ""]
    } else {
        &["xdg-open"]
    };
    Command::new(opener[0])
        .args(&opener[1..])
        .arg(page)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The mdbook preprocessor (`[preprocessor.kata]` in book/book.toml).
///
/// mdbook calls it with `supports <renderer>` (every renderer is fine), then
/// with `[context, book]` as JSON on stdin, and reads the book back from
/// stdout. Each exercise chapter (`exercises/<slug>.md`) gets, from the
/// manifest, a closing section with the command that checks it and its
/// three hints, folded. The book's JSON is walked generically (any object
/// with a `path` and a `content` is a chapter), so the layout differences
/// between mdbook releases do not matter.
pub fn preprocess(workbook: &Workbook, args: &[String]) -> anyhow::Result<ExitCode> {
    if args.first().map(String::as_str) == Some("supports") {
        return Ok(ExitCode::SUCCESS);
    }
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).context("could not read the book from mdbook")?;
    let mut pair: Value =
        serde_json::from_str(&input).context("mdbook sent something that is not JSON")?;
    let Some(book) = pair.get_mut(1) else {
        bail!("mdbook sent no book (expected `[context, book]`)");
    };
    add_exercise_sections(workbook, book);
    serde_json::to_writer(std::io::stdout().lock(), book)
        .context("could not write the book back")?;
    Ok(ExitCode::SUCCESS)
}

fn add_exercise_sections(workbook: &Workbook, value: &mut Value) {
    match value {
        Value::Object(map) => {
            let path = map.get("path").and_then(Value::as_str).map(str::to_owned);
            if let (Some(path), Some(Value::String(content))) = (path, map.get_mut("content")) {
                let slug = path.strip_prefix("exercises/").and_then(|p| p.strip_suffix(".md"));
                if let Some(exercise) =
                    workbook.manifest.exercises.iter().find(|e| Some(e.slug.as_str()) == slug)
                {
                    content.push_str(&exercise_section(exercise));
                }
            }
            for child in map.values_mut() {
                add_exercise_sections(workbook, child);
            }
        }
        Value::Array(items) => {
            items.iter_mut().for_each(|item| add_exercise_sections(workbook, item))
        }
        _ => {}
    }
}

fn exercise_section(exercise: &kata_core::manifest::Exercise) -> String {
    let id = exercise.id();
    let mut text = format!(
        "\n\n## Your turn\n\nEdit `exercises/{}/src/lib.rs`, then run `cargo kata check {id}`. \
         If you are stuck, open the hints one at a time.\n",
        exercise.slug
    );
    for (level, (hint, what)) in
        exercise.hints.iter().zip(["a nudge", "a direction", "nearly the answer"]).enumerate()
    {
        text.push_str(&format!(
            "\n<details>\n<summary>Hint {} of 3: {what}</summary>\n\n{hint}\n\n</details>\n",
            level + 1
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapters_of_exercises_get_their_section_and_others_do_not() {
        let dir = std::env::temp_dir().join(format!("kata-book-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("kata.toml"),
            "[[exercise]]\nslug = \"ex01-a-b\"\ntitle = \"A\"\ntopic = \"t\"\ntime-limit = 5\nhints = [\"one\", \"two\", \"three\"]\n",
        )
        .unwrap();
        let workbook = Workbook::open(&dir).unwrap();
        let mut book = serde_json::json!({"items": [
            {"Chapter": {"path": "exercises/ex01-a-b.md", "content": "# A", "sub_items": []}},
            {"Chapter": {"path": "intro.md", "content": "# Intro", "sub_items": []}}
        ]});
        add_exercise_sections(&workbook, &mut book);
        let exercise = book["items"][0]["Chapter"]["content"].as_str().unwrap();
        assert!(exercise.contains("`cargo kata check ex01`"), "{exercise}");
        assert!(
            exercise.contains("Hint 3 of 3: nearly the answer</summary>\n\nthree"),
            "{exercise}"
        );
        assert_eq!(book["items"][1]["Chapter"]["content"], "# Intro");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
