//! `kata dev new exNN-slug`: a new exercise's files, each a small working
//! example of its kind (a stub that fails, a solution that passes, a checks
//! crate with one check, a chapter), its entry in `kata.toml` and its line
//! in the book's summary, both in curriculum order. What it writes passes
//! `kata dev check`; the author then replaces each example with the lesson.

mod files;

use crate::manifest::{self, Manifest, FILE_NAME};
use crate::Error;
use files::{chapter, checks, checks_manifest, crate_manifest, entry, solution, stub};
use std::path::{Path, PathBuf};

/// What the author asked for.
#[derive(Debug, Clone, Default)]
pub struct NewExercise {
    /// `ex02-scoped-threads`.
    pub slug: String,
    /// Default: the slug's name in words (`Scoped threads`).
    pub title: Option<String>,
    pub topic: Option<String>,
    /// The book's part (a `# Part` heading of SUMMARY.md) to list the
    /// chapter in; default: the part of the exercise before it.
    pub part: Option<String>,
}

/// Writes the exercise's files into the workbook at `root` and adds it to
/// the manifest and the book; returns what it wrote or changed, from the
/// root. Nothing is written when anything is in the way.
pub fn scaffold(root: &Path, new: &NewExercise) -> Result<Vec<PathBuf>, Error> {
    let slug = new.slug.as_str();
    let number = manifest::parse_slug(slug).ok_or_else(|| {
        Error::Grader(format!(
            "`{slug}` is not a slug: write `exNN-name`, two digits, then lowercase words joined by `-` \
             (`ex02-scoped-threads`)"
        ))
    })?;
    let name = manifest::name_of(slug);
    let manifest_path = root.join(FILE_NAME);
    let text = std::fs::read_to_string(&manifest_path)
        .map_err(|e| Error::io(format!("could not read {}", manifest_path.display()), e))?;
    let existing = if text.contains("[[exercise]]") {
        Manifest::parse(&text, &manifest_path)?.exercises
    } else {
        Vec::new()
    };
    if let Some(twin) = existing.iter().find(|e| e.number == number || e.name() == name) {
        return Err(Error::Grader(format!(
            "{slug} would share {} with {}: progress is kept by name and learners type numbers, so pick \
             another (`kata list` shows what is taken)",
            if twin.number == number { "its number" } else { "its name" },
            twin.slug
        )));
    }
    let id = format!("ex{number:02}");
    let title = new.title.clone().unwrap_or_else(|| words(name));
    let topic = new
        .topic
        .clone()
        .unwrap_or_else(|| format!("{}: what this exercise teaches", title.to_lowercase()));
    let function = function_name(name);
    let files: Vec<(PathBuf, String)> = vec![
        (format!("exercises/{slug}/Cargo.toml").into(), crate_manifest(slug, None)),
        (format!("exercises/{slug}/src/lib.rs").into(), stub(&id, &title, slug, &function)),
        (format!("exercises/{slug}/.stub.rs").into(), stub(&id, &title, slug, &function)),
        (
            format!("solutions/{slug}/Cargo.toml").into(),
            crate_manifest(&format!("{slug}-solution"), Some(&slug.replace('-', "_"))),
        ),
        (format!("solutions/{slug}/src/lib.rs").into(), solution(&id, &title, &function)),
        (format!("grader/checks/{slug}/Cargo.toml").into(), checks_manifest(slug)),
        (format!("grader/checks/{slug}/src/main.rs").into(), checks(&id, &title, &function)),
        (format!("book/src/exercises/{slug}.md").into(), chapter(&id, &title, slug, &function)),
    ];
    if let Some((path, _)) = files.iter().find(|(path, _)| root.join(path).exists()) {
        return Err(Error::Grader(format!(
            "{} is already there: kata dev new writes only new files. Move it away, or add the exercise by hand",
            path.display()
        )));
    }
    let manifest_text =
        with_entry(&text, &existing, number, &entry(slug, &title, &topic, &function))?;
    // Checked before anything is written: the new manifest must parse.
    Manifest::parse(&manifest_text, &manifest_path)?;
    let summary_path = root.join("book/src/SUMMARY.md");
    let summary = std::fs::read_to_string(&summary_path)
        .map_err(|e| Error::io(format!("could not read {}", summary_path.display()), e))?;
    let line = format!("- [{id} · {title}](exercises/{slug}.md)");
    let summary = with_chapter(&summary, &existing, number, new.part.as_deref(), &line)?;
    let write = |path: &Path, text: &str| -> Result<(), Error> {
        let path = root.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io(format!("could not create {}", parent.display()), e))?;
        }
        std::fs::write(&path, text)
            .map_err(|e| Error::io(format!("could not write {}", path.display()), e))
    };
    let mut written = Vec::new();
    for (path, text) in files {
        write(&path, &text)?;
        written.push(path);
    }
    write(Path::new(FILE_NAME), &manifest_text)?;
    write(Path::new("book/src/SUMMARY.md"), &summary)?;
    written.extend([PathBuf::from(FILE_NAME), PathBuf::from("book/src/SUMMARY.md")]);
    Ok(written)
}

/// `Scoped threads` for `scoped-threads`.
fn words(name: &str) -> String {
    let text = name.replace('-', " ");
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A function name from the slug's name that is a Rust identifier.
fn function_name(name: &str) -> String {
    let snake = name.replace('-', "_");
    let keyword = [
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
        "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true",
        "type", "unsafe", "use", "where", "while", "gen",
    ]
    .contains(&snake.as_str());
    if keyword || snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("run_{snake}")
    } else {
        snake
    }
}

/// `text` with `entry` as exercise `number`'s, before the first exercise
/// with a higher number, else at the end.
fn with_entry(
    text: &str,
    existing: &[manifest::Exercise],
    number: u32,
    entry: &str,
) -> Result<String, Error> {
    let headers: Vec<usize> = text
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .chain(std::iter::once(0))
        .filter(|&start| text[start..].lines().next().is_some_and(|l| l.trim() == "[[exercise]]"))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if headers.len() != existing.len() {
        return Err(Error::Grader(format!(
            "{FILE_NAME} does not give each exercise an `[[exercise]]` line of its own, so kata dev new cannot \
             tell where to add one: add the entry by hand"
        )));
    }
    Ok(match existing.iter().position(|e| e.number > number) {
        Some(after) => {
            let at = headers[after];
            format!("{}{entry}\n{}", &text[..at], &text[at..])
        }
        None => format!("{}\n{entry}", text.trim_end_matches('\n').to_string() + "\n"),
    })
}

/// SUMMARY.md with the chapter's `line`: in `part` if named, else after
/// the chapter of the exercise before it (before the one after it, when it
/// comes first).
fn with_chapter(
    summary: &str,
    existing: &[manifest::Exercise],
    number: u32,
    part: Option<&str>,
    line: &str,
) -> Result<String, Error> {
    let mut lines: Vec<String> = summary.lines().map(String::from).collect();
    let row_of = |slug: &str, lines: &[String]| {
        lines.iter().position(|l| l.contains(&format!("(exercises/{slug}.md)")))
    };
    let at = if let Some(part) = part {
        let heading =
            lines.iter().position(|l| l.trim() == format!("# {part}")).ok_or_else(|| {
                let parts: Vec<&str> = lines.iter().filter_map(|l| l.strip_prefix("# ")).collect();
                Error::Grader(format!(
                    "book/src/SUMMARY.md has no part `{part}`; its parts are: {}",
                    parts.join(", ")
                ))
            })?;
        let end = lines[heading + 1..]
            .iter()
            .position(|l| l.starts_with("# "))
            .map_or(lines.len(), |i| heading + 1 + i);
        let earlier = existing
            .iter()
            .filter(|e| e.number < number)
            .filter_map(|e| row_of(&e.slug, &lines))
            .filter(|row| (heading..end).contains(row))
            .max();
        let first = lines[heading + 1..end].iter().position(|l| l.starts_with("- "));
        match (earlier, first) {
            (Some(row), _) => row + 1,
            (None, Some(i)) => heading + 1 + i,
            (None, None) => {
                // The part's first chapter, between blank lines.
                lines.insert(heading + 1, String::new());
                if lines.get(heading + 2).is_some_and(|l| !l.trim().is_empty()) {
                    lines.insert(heading + 2, String::new());
                }
                heading + 2
            }
        }
    } else {
        let before = existing
            .iter()
            .rev()
            .filter(|e| e.number < number)
            .find_map(|e| row_of(&e.slug, &lines));
        let after =
            existing.iter().filter(|e| e.number > number).find_map(|e| row_of(&e.slug, &lines));
        match (before, after) {
            (Some(row), _) => row + 1,
            (None, Some(row)) => row,
            (None, None) => {
                lines.extend([String::new(), "# Exercises".into(), String::new()]);
                lines.len()
            }
        }
    };
    lines.insert(at, line.to_string());
    Ok(lines.join("\n") + "\n")
}

/// Brings `Cargo.lock` in line with a workspace that gained members (a new
/// exercise's three crates), without touching any other package: `cargo
/// update --workspace`, offline (a new exercise adds no dependency).
pub fn update_lock(root: &Path) -> Result<(), Error> {
    let output =
        std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .current_dir(root)
            .args(["update", "--workspace", "--offline", "--quiet"])
            .output()
            .map_err(|cause| Error::CargoMissing { cause })?;
    if !output.status.success() {
        return Err(Error::Grader(format!(
            "cargo could not add the new crates to Cargo.lock: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workbook with a manifest of comments and a book of one part.
    fn empty_workbook(name: &str) -> PathBuf {
        let root =
            std::env::temp_dir().join(format!("kata-scaffold-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("book/src")).unwrap();
        std::fs::write(root.join(FILE_NAME), "# The exercises.\n").unwrap();
        std::fs::write(
            root.join("book/src/SUMMARY.md"),
            "# Summary\n\n[Introduction](README.md)\n\n# Threads\n\n# Async\n",
        )
        .unwrap();
        root
    }

    #[test]
    fn what_it_writes_agrees_with_the_manifest_in_curriculum_order() {
        let root = empty_workbook("order");
        let new = |slug: &str, part: Option<&str>| NewExercise {
            slug: slug.into(),
            part: part.map(String::from),
            ..NewExercise::default()
        };
        let written = scaffold(&root, &new("ex05-scoped-threads", Some("Threads"))).unwrap();
        assert_eq!(written.len(), 10, "{written:?}");
        scaffold(&root, &new("ex20-fan-out", Some("Async"))).unwrap();
        scaffold(&root, &new("ex02-async", None)).unwrap();
        let workbook = crate::workbook::Workbook::open(&root).unwrap();
        let slugs: Vec<&str> =
            workbook.manifest.exercises.iter().map(|e| e.slug.as_str()).collect();
        assert_eq!(slugs, ["ex02-async", "ex05-scoped-threads", "ex20-fan-out"]);
        assert_eq!(workbook.manifest.exercises[0].title, "Async");
        assert_eq!(super::super::layout::problems(&workbook, true), Vec::<String>::new());
        let summary = std::fs::read_to_string(root.join("book/src/SUMMARY.md")).unwrap();
        assert_eq!(
            summary,
            "# Summary\n\n[Introduction](README.md)\n\n# Threads\n\n\
             - [ex02 · Async](exercises/ex02-async.md)\n\
             - [ex05 · Scoped threads](exercises/ex05-scoped-threads.md)\n\n# Async\n\n\
             - [ex20 · Fan out](exercises/ex20-fan-out.md)\n"
        );
        let stub = std::fs::read_to_string(root.join("exercises/ex02-async/.stub.rs")).unwrap();
        assert!(stub.contains("pub fn run_async(items: Vec<u64>) -> u64"), "{stub}");

        // Nothing is written over, and a taken number or name is refused.
        let taken = scaffold(&root, &new("ex05-other", None)).unwrap_err().to_string();
        assert!(taken.contains("would share its number with ex05-scoped-threads"), "{taken}");
        let named = scaffold(&root, &new("ex06-fan-out", None)).unwrap_err().to_string();
        assert!(named.contains("its name with ex20-fan-out"), "{named}");
        assert!(scaffold(&root, &new("ex7-x", None))
            .unwrap_err()
            .to_string()
            .contains("is not a slug"));
        let part = scaffold(&root, &new("ex07-x", Some("Rayon"))).unwrap_err().to_string();
        assert!(part.contains("no part `Rayon`; its parts are: Summary, Threads, Async"), "{part}");

        // The layout sees what goes missing.
        std::fs::remove_file(root.join("book/src/exercises/ex20-fan-out.md")).unwrap();
        std::fs::create_dir_all(root.join("solutions/ex99-stray")).unwrap();
        let problems = super::super::layout::problems(&workbook, true);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0]
            .starts_with("ex20-fan-out: has no chapter at book/src/exercises/ex20-fan-out.md"));
        assert!(problems[1].starts_with("solutions/ex99-stray belongs to no exercise"));
        let _ = std::fs::remove_dir_all(&root);
    }

    /// The manifests are the shipped ones (ex01's) renamed: the grader holds
    /// a learner's `Cargo.toml` to the reference's, and the checks to the
    /// features it builds with.
    #[test]
    fn manifests_are_those_of_the_workbook() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let shipped = |path: &str| {
            std::fs::read_to_string(root.join(path))
                .unwrap()
                .replace("ex01-spawn-and-join", "ex02-new")
                .replace("ex01_spawn_and_join", "ex02_new")
        };
        assert_eq!(
            crate_manifest("ex02-new", None),
            shipped("exercises/ex01-spawn-and-join/Cargo.toml")
        );
        assert_eq!(
            crate_manifest("ex02-new-solution", Some("ex02_new")),
            shipped("solutions/ex01-spawn-and-join/Cargo.toml")
        );
        assert_eq!(
            checks_manifest("ex02-new"),
            shipped("grader/checks/ex01-spawn-and-join/Cargo.toml")
        );
    }

    #[test]
    fn names_from_slugs() {
        assert_eq!(words("scoped-threads"), "Scoped threads");
        assert_eq!(function_name("scoped-threads"), "scoped_threads");
        assert_eq!(function_name("async"), "run_async");
        assert_eq!(function_name("2pc"), "run_2pc");
    }
}
