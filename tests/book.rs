//! The book, kept honest: built by mdbook with kata's own preprocessor, every
//! Rust block compiled and run by `mdbook test`, every internal link and
//! anchor followed, and pages opened in a real headless browser (Chromium),
//! served over HTTP as a reader gets them: a chapter renders with its
//! sidebar, the search finds things, and a screenshot of an exercise chapter
//! is kept in `target/kata-tests/book/` to look at.
//!
//! mdbook and Chromium are not Rust, and a fresh machine with only Rust has
//! neither. Then the tests that need them say plainly on stderr that they
//! were skipped and why, and pass, unless `KATA_REQUIRE_BOOK=1` is set (CI
//! sets it): then a missing tool is a failure. `KATA_CHROMIUM` names a
//! browser binary other than the usual ones.

mod support;

#[path = "book/browser.rs"]
mod browser;
#[path = "book/limited.rs"]
mod limited;
#[path = "book/links.rs"]
mod links;
#[path = "book/server.rs"]
mod server;

use browser::Chromium;
use kata_core::workbook::Workbook;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// `mdbook build` takes a second; `mdbook test` compiles every Rust block
/// with rustdoc, a few seconds each on a busy 2-core machine.
const MDBOOK_LIMIT: Duration = Duration::from_secs(15 * 60);

/// What the Python page's table must cover: every primitive and pattern of
/// the source notes.
const PYTHON_TOOLS: &[&str] = &[
    "threading.Lock",
    "threading.RLock",
    "threading.Event",
    "threading.Condition",
    "threading.Semaphore",
    "threading.Barrier",
    "queue.Queue",
    "ThreadPoolExecutor",
    "as_completed",
    "multiprocessing.Pool",
    "asyncio.gather",
    "asyncio.create_task",
    "asyncio.Semaphore",
    "asyncio.wait_for",
    "asyncio.TaskGroup",
    "asyncio.Queue",
    "asyncio.to_thread",
    "run_in_executor",
    "poison pill",
];

// ---------------------------------------------------------------- the tests

#[test]
fn the_book_builds_with_every_chapter_and_its_hints() {
    let Some(html) = built() else { return };
    let workbook = workbook();
    for chapter in summary_chapters() {
        let page = html.join(html_path(&chapter));
        assert!(
            page.is_file(),
            "SUMMARY.md lists {chapter}, but the build has no {}",
            page.display()
        );
    }
    // Each exercise chapter got its "Your turn" section from kata.toml,
    // through kata's preprocessor.
    for exercise in &workbook.manifest.exercises {
        let page = html.join(format!("exercises/{}.html", exercise.slug));
        let Ok(text) = std::fs::read_to_string(&page) else {
            continue; // listed by the manifest test, which names what is missing
        };
        assert!(
            text.contains("id=\"your-turn\"")
                && text.contains(&format!("cargo kata check {}", exercise.id())),
            "{} has no \"Your turn\" section with its check command: did the kata preprocessor run?",
            page.display()
        );
        assert_eq!(
            text.matches("<summary>Hint ").count(),
            3,
            "{} should fold exactly three hints",
            page.display()
        );
    }
}

#[test]
fn kata_book_builds_the_book_where_it_says() {
    let Some(_) = mdbook() else { return };
    // A learner's fresh copy, so that the real book/book is left alone.
    let dir = support::scratch("book-command");
    support::copy_workbook(&dir);
    let (code, stdout, stderr) = support::run(
        support::kata(&dir)
            .args(["book", "--no-open"])
            .env("MDBOOK_PREPROCESSOR__KATA__COMMAND", preprocessor_command()),
    );
    assert_eq!(code, 0, "kata book --no-open failed:\n{stdout}\n{stderr}");
    let index = dir.join("book/book/index.html");
    assert!(
        stdout.contains("The book is built") && index.is_file(),
        "kata book --no-open did not build {}:\n{stdout}",
        index.display()
    );
    let chapter = std::fs::read_to_string(dir.join("book/book/exercises/ex01-spawn-and-join.html"))
        .unwrap_or_default();
    assert!(
        chapter.contains("id=\"your-turn\""),
        "kata book built the chapters without their hints"
    );
}

#[test]
fn every_rust_block_of_the_book_compiles_and_runs() {
    let Some(mdbook) = mdbook() else { return };
    let ran = limited::run(mdbook_command(&mdbook, &["test", "book"]), MDBOOK_LIMIT)
        .expect("mdbook starts");
    assert!(
        ran.success(),
        "`mdbook test book` failed{}: a Rust block of the book does not compile or its asserts fail. \
         Blocks that need tokio or rayon must be `ignore` or `{{{{#include}}}}`d from a crate cargo builds.\n\
         --- stdout\n{}\n--- stderr\n{}",
        if ran.timed_out { " (timed out)" } else { "" },
        ran.stdout,
        ran.stderr_tail(80)
    );
    println!("mdbook test: {:.1} s", ran.elapsed.as_secs_f64());
}

#[test]
fn compile_fail_blocks_fail_for_the_reason_they_name() {
    // rustdoc runs `compile_fail` blocks but, on stable, ignores the error
    // code they name: a block that fails for another reason (a typo) would
    // pass. rustc itself tells.
    let scratch = support::scratch("book-compile-fail");
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let edition = book_edition();
    let mut checked = 0;
    for (chapter, code, block) in compile_fail_blocks() {
        let source = scratch.join(format!("block{checked}.rs"));
        let body = if block.contains("fn main") {
            block.clone()
        } else {
            format!("fn main() {{\n{block}}}\n")
        };
        std::fs::write(&source, body).unwrap();
        let out = Command::new(&rustc)
            .args([
                "--edition",
                &edition,
                "--crate-type",
                "bin",
                "--emit=metadata",
            ])
            .args(["--error-format=short", "--out-dir"])
            .arg(&scratch)
            .arg(&source)
            .output()
            .expect("rustc runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("error[{code}]")),
            "a `compile_fail,{code}` block of {chapter} does not fail with {code}; rustc says:\n{stderr}\n--- the block\n{block}"
        );
        checked += 1;
    }
    println!("compile_fail blocks checked: {checked}");
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let Some(html) = built() else { return };
    let (broken, followed) = links::broken_links(html);
    assert!(
        broken.is_empty(),
        "{} broken link(s) in the built book (of {followed} followed):\n{}",
        broken.len(),
        broken.join("\n")
    );
    assert!(
        followed > 100,
        "only {followed} links found: is the scanner blind?"
    );
}

#[test]
fn the_python_page_covers_the_notes_and_links_every_written_chapter() {
    let root = support::root();
    let page = std::fs::read_to_string(root.join("book/src/python-to-rust.md")).unwrap();
    for tool in PYTHON_TOOLS {
        assert!(page.contains(tool), "python-to-rust.md does not map {tool}");
    }
    // An exercise named as planned whose chapter has since been written must
    // become a link to it.
    let written = summary_chapters();
    let workbook = workbook();
    for line in page.lines().filter(|l| l.starts_with('|')) {
        for item in line.split(['|', ';', ',']) {
            let item = item.trim();
            if !item.ends_with("(planned)") {
                continue;
            }
            for exercise in &workbook.manifest.exercises {
                let chapter = format!("exercises/{}.md", exercise.slug);
                assert!(
                    !(item.starts_with(&format!("{} ", exercise.id()))
                        && written.contains(&chapter)),
                    "python-to-rust.md calls {} planned, but its chapter is in SUMMARY.md: \
                     make it a link, [{} · {}]({chapter})",
                    exercise.id(),
                    exercise.id(),
                    exercise.title
                );
            }
        }
    }
}

#[test]
fn a_chapter_renders_and_the_search_works_in_a_real_browser() {
    let Some(html) = built() else { return };
    let Some(chromium) = chromium() else { return };
    let server = server::Server::start(html).expect("the book's HTTP server starts");
    let workbook = workbook();
    let written = summary_chapters();
    let exercise = workbook
        .manifest
        .exercises
        .iter()
        .find(|e| written.contains(&format!("exercises/{}.md", e.slug)))
        .expect("at least one exercise chapter is in SUMMARY.md");
    let page = format!("exercises/{}.html", exercise.slug);
    println!("browser: {}", chromium.binary().display());
    let heading = format!("{} · {}", exercise.id(), exercise.title);
    let started = Instant::now();

    // 1. The chapter: its title, its hints, and the sidebar that mdbook's
    //    JavaScript builds, listing every chapter, with this one marked.
    let dom = chromium
        .dump_dom(&server.url(&page))
        .unwrap_or_else(|e| panic!("{e}\nrequests served: {:?}", server.requests()));
    let title = between(&dom, "<title>", "</title>").unwrap_or_default();
    assert!(
        title.contains(&heading),
        "the page title of {page} is {title:?}, not the chapter's {heading:?}"
    );
    assert!(
        dom.contains("id=\"your-turn\"") && dom.matches("<summary>Hint ").count() == 3,
        "{page} in the browser has no \"Your turn\" section with three hints"
    );
    let sidebar = between(
        &dom,
        "<mdbook-sidebar-scrollbox",
        "</mdbook-sidebar-scrollbox>",
    )
    .unwrap_or_else(|| {
        panic!("{page} in the browser has no sidebar (mdbook's toc script did not run?)")
    });
    for chapter in &written {
        let href = format!("{}\"", html_path(chapter));
        assert!(
            sidebar.contains(&href),
            "the sidebar of {page} does not link {chapter}"
        );
    }
    assert!(
        sidebar
            .split("<a ")
            .any(|tag| tag.contains("class=\"active\"") && tag.contains(&page)),
        "the sidebar of {page} does not mark it as the current chapter"
    );
    println!(
        "browser: {page} rendered ({:.1} s)",
        started.elapsed().as_secs_f64()
    );

    // 2. The search: mdbook runs `?search=` from the URL on load, after
    //    fetching its index from the server.
    let started = Instant::now();
    let term = "deadlock";
    let dom = chromium
        .dump_dom(&server.url(&format!("index.html?search={term}")))
        .unwrap_or_else(|e| panic!("{e}\nrequests served: {:?}", server.requests()));
    let header = between(&dom, "id=\"mdbook-searchresults-header\"", "</div>")
        .map(|h| h.rsplit('>').next().unwrap_or("").trim().to_string())
        .unwrap_or_default();
    let count: usize = header
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let results = between(&dom, "id=\"mdbook-searchresults\"", "</ul>").unwrap_or_default();
    assert!(
        count >= 2 && header.contains(term) && results.contains("grading.html"),
        "searching for {term:?} found {count} result(s) (header: {header:?}); expected the grading \
         chapter among several.\nrequests served: {:?}",
        server.requests()
    );
    println!(
        "browser: search for {term:?}: {header} ({:.1} s)",
        started.elapsed().as_secs_f64()
    );

    // 3. A screenshot of the chapter, kept as an artifact of the test run.
    let started = Instant::now();
    let shot = html
        .parent()
        .expect("the build is in a scratch folder")
        .join("chapter.png");
    chromium
        .screenshot(&server.url(&page), &shot)
        .unwrap_or_else(|e| panic!("{e}"));
    let bytes = std::fs::read(&shot).unwrap();
    assert_eq!(
        browser::png_size(&bytes),
        Some(browser::WINDOW),
        "{} is not a {}x{} PNG",
        shot.display(),
        browser::WINDOW.0,
        browser::WINDOW.1
    );
    // A blank page compresses to a few KiB; text, code and a sidebar do not.
    assert!(
        bytes.len() > 40 * 1024,
        "{} is only {} bytes: did the page render blank?",
        shot.display(),
        bytes.len()
    );
    println!(
        "browser: screenshot of {page} at {} ({} KiB, {:.1} s)",
        shot.display(),
        bytes.len() / 1024,
        started.elapsed().as_secs_f64()
    );
}

// ------------------------------------------------------------ the tools

/// Whether a missing tool is a failure (CI) rather than a skip.
fn required() -> bool {
    std::env::var("KATA_REQUIRE_BOOK").is_ok_and(|v| v == "1")
}

/// Writes a line past the test harness's output capture, so that a skip is
/// seen even when the test passes.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Says once that `tool` is missing (or fails, under `KATA_REQUIRE_BOOK=1`).
fn missing(tool: &str, install: &str, said: &OnceLock<()>) {
    assert!(
        !required(),
        "KATA_REQUIRE_BOOK=1, but {tool} cannot be used: {install}"
    );
    said.get_or_init(|| {
        say(&format!(
            "book tests skipped: {tool} cannot be used ({install}). \
             They pass without it; set KATA_REQUIRE_BOOK=1 to make this a failure."
        ))
    });
}

pub fn on_path(name: &str) -> Option<PathBuf> {
    let names = if cfg!(windows) {
        vec![format!("{name}.exe"), name.to_string()]
    } else {
        vec![name.to_string()]
    };
    std::env::split_paths(&std::env::var_os("PATH")?)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

fn mdbook() -> Option<PathBuf> {
    static SAID: OnceLock<()> = OnceLock::new();
    let found = on_path("mdbook");
    if found.is_none() {
        missing(
            "mdbook",
            "it is not on PATH; `cargo install --locked mdbook --version 0.5.4` installs it in a few minutes",
            &SAID,
        );
    }
    found
}

fn chromium() -> Option<Chromium> {
    static SAID: OnceLock<()> = OnceLock::new();
    match Chromium::find() {
        Ok(chromium) => Some(chromium),
        Err(why) => {
            missing(
                "Chromium",
                &format!(
                    "{why}; `apt-get install chromium` on Debian, or set KATA_CHROMIUM to a Chrome or Chromium binary"
                ),
                &SAID,
            );
            None
        }
    }
}

/// mdbook, run at the workbook's root, with kata's preprocessor taken from
/// the `kata` binary cargo built for these tests. book.toml runs it with
/// `cargo run`, which inside `cargo test` would only wait for cargo's build
/// lock and check the build again; mdbook reads `MDBOOK_*` variables as
/// overrides of book.toml.
fn mdbook_command(mdbook: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(mdbook);
    command
        .current_dir(support::root())
        .args(args)
        .env("MDBOOK_PREPROCESSOR__KATA__COMMAND", preprocessor_command())
        .env("NO_COLOR", "1");
    command
}

/// kata's preprocessor, as the `kata` binary cargo built for these tests.
fn preprocessor_command() -> String {
    format!("\"{}\" book-preprocessor", env!("CARGO_BIN_EXE_kata"))
}

/// The book, built once for all the tests of this file into
/// `target/kata-tests/book/html`; `None` when mdbook is not installed.
fn built() -> Option<&'static Path> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let mdbook = mdbook()?;
    let result = BUILT.get_or_init(|| {
        let scratch = support::scratch("book");
        let html = scratch.join("html");
        let started = Instant::now();
        let mut command = mdbook_command(&mdbook, &["build", "book", "--dest-dir"]);
        command.arg(&html);
        let ran = limited::run(command, MDBOOK_LIMIT).map_err(|e| format!("mdbook: {e}"))?;
        if !ran.success() {
            return Err(format!(
                "`mdbook build book` failed{}:\n{}",
                if ran.timed_out { " (timed out)" } else { "" },
                ran.stderr_tail(40)
            ));
        }
        if !html.join("index.html").is_file() {
            return Err(format!(
                "mdbook built no {}",
                html.join("index.html").display()
            ));
        }
        println!("mdbook build: {:.1} s", started.elapsed().as_secs_f64());
        Ok(html)
    });
    match result {
        Ok(html) => Some(html),
        Err(why) => panic!("{why}"),
    }
}

// ------------------------------------------------------- reading the book

fn workbook() -> Workbook {
    Workbook::open(&support::root()).expect("the manifest is valid")
}

/// The chapters SUMMARY.md lists, as paths under `book/src/` (`README.md`,
/// `exercises/ex01-spawn-and-join.md`, ...).
fn summary_chapters() -> Vec<String> {
    let summary = std::fs::read_to_string(support::root().join("book/src/SUMMARY.md")).unwrap();
    summary
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .filter(|target| target.ends_with(".md"))
        .map(str::to_string)
        .collect()
}

/// Where mdbook writes a chapter: `.md` becomes `.html`, and a README is the
/// index of its folder.
fn html_path(chapter: &str) -> String {
    let html = chapter.trim_end_matches(".md").to_string() + ".html";
    match html.strip_suffix("README.html") {
        Some(folder) => format!("{folder}index.html"),
        None => html,
    }
}

/// The Rust edition `mdbook test` compiles with: book.toml's `[rust]
/// edition`, else mdbook's default, 2015.
fn book_edition() -> String {
    let toml = std::fs::read_to_string(support::root().join("book/book.toml")).unwrap();
    toml.lines()
        .filter_map(|l| l.trim().strip_prefix("edition"))
        .filter_map(|l| l.trim_start().strip_prefix('='))
        .map(|v| v.trim().trim_matches('"').to_string())
        .next()
        .unwrap_or_else(|| "2015".into())
}

/// Every ```` ```rust,compile_fail,E0277 ```` block of the book's sources
/// that names an error code: (chapter, code, the code as rustdoc compiles
/// it, with `# ` hidden lines shown).
fn compile_fail_blocks() -> Vec<(String, String, String)> {
    let src = support::root().join("book/src");
    let mut blocks = Vec::new();
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let path = entry.unwrap().into_path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let chapter = path.strip_prefix(&src).unwrap().display().to_string();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let fence = line.trim_start();
            let Some(info) = fence.strip_prefix("```") else {
                continue;
            };
            let indent = line.len() - fence.len();
            let words: Vec<&str> = info.split([',', ' ']).map(str::trim).collect();
            let code = words.iter().find(|w| {
                w.len() == 5 && w.starts_with('E') && w[1..].bytes().all(|b| b.is_ascii_digit())
            });
            let mut body = String::new();
            for line in lines.by_ref() {
                if line.trim_start().starts_with("```") {
                    break;
                }
                let line = line.get(indent..).unwrap_or(line.trim_start());
                let line = match line.strip_prefix("# ") {
                    Some(hidden) => hidden,
                    None if line == "#" => "",
                    None => line,
                };
                match included(&path, line) {
                    Some(text) => body.push_str(&text),
                    None => {
                        body.push_str(line);
                        body.push('\n');
                    }
                }
            }
            if let (true, Some(code)) = (words.contains(&"compile_fail"), code) {
                blocks.push((chapter.clone(), code.to_string(), body));
            }
        }
    }
    blocks
}

/// What an `{{#include file}}` or `{{#include file:anchor}}` line of
/// `chapter` stands for, as mdbook expands it (anchor lines left out); `None`
/// for any other line.
fn included(chapter: &Path, line: &str) -> Option<String> {
    let inner = line.trim().strip_prefix("{{#")?.strip_suffix("}}")?;
    let target = inner
        .strip_prefix("include ")
        .or_else(|| inner.strip_prefix("rustdoc_include "))?
        .trim();
    let (file, anchor) = match target.split_once(':') {
        Some((file, anchor)) => (file, Some(anchor)),
        None => (target, None),
    };
    let path = chapter.parent()?.join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} includes {}: {e}", chapter.display(), path.display()));
    // `file:3`, `file:3:9`, `file:3:`, `file::9`: lines, counted from 1.
    if let Some(range) = anchor.filter(|a| a.bytes().all(|b| b.is_ascii_digit() || b == b':')) {
        let (from, to) = range.split_once(':').unwrap_or((range, range));
        let from = from.parse::<usize>().unwrap_or(1).max(1);
        let to = to.parse::<usize>().unwrap_or(usize::MAX);
        let lines: Vec<&str> = text
            .lines()
            .skip(from - 1)
            .take(to.saturating_sub(from - 1))
            .collect();
        return Some(lines.join("\n") + "\n");
    }
    let mut inside = anchor.is_none();
    let mut out = String::new();
    for line in text.lines() {
        if let Some(name) = line.split("ANCHOR:").nth(1) {
            inside |= Some(name.trim()) == anchor;
            continue;
        }
        if let Some(name) = line.split("ANCHOR_END:").nth(1) {
            if Some(name.trim()) == anchor {
                inside = false;
            }
            continue;
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    Some(out)
}

/// The text between the first `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(&text[from..to])
}
