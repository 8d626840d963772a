//! What kata refuses to build: the learner's crate is untrusted, and before
//! anything of it is compiled the grader looks at its folder.
//!
//! Refused, each with a message that says what to put back:
//! - a `Cargo.toml` that differs from the reference's (a new dependency, a
//!   build script, a feature, a lint lifted); the reference's is the one the
//!   grader keeps outside the learner's folder;
//! - a build script, a `.cargo/` folder or a toolchain file in the folder,
//!   and any symbolic link in it (a `src/lib.rs` that points at the
//!   reference, say);
//! - a folder under `exercises/` that the manifest does not list (the
//!   workspace's `exercises/*` glob would make it a member);
//! - source that breaks the source policy ([`crate::source_policy`]): no
//!   files, processes, environment, OS handles or sockets, no compile-time
//!   includes, no `extern`, no attributes that place code before `main`.
//!   `unsafe` is left to rustc: the shipped manifest forbids `unsafe_code`
//!   unless the exercise allows it, and the manifest cannot change.
//!
//! After the build, [`dep_info`] checks what rustc says went into the
//! learner's crate: only its own `src/`, and no environment variable read.

use crate::manifest::Exercise;
use crate::source_policy::{self, Allowances};
use crate::workbook::Workbook;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The modules the source policy keeps from learner code, which an exercise
/// may allow one by one (`allow = ["net"]` in `kata.toml`).
pub const MODULES: [&str; 5] = ["fs", "process", "env", "os", "net"];

/// One reason the grader will not build the learner's crate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// The file it is about, from the workbook root.
    pub file: PathBuf,
    /// The line, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// What happened, why kata refuses it, and what to do.
    pub message: String,
}

/// Everything in the learner's folder of `exercise` (and in `exercises/`)
/// that the grader refuses to build; empty when all is as shipped.
pub fn inspect(workbook: &Workbook, exercise: &Exercise) -> Vec<Refusal> {
    let mut refusals = Vec::new();
    let dir = workbook.exercise_dir(exercise);
    let at = |path: &Path, line: Option<usize>, message: String| Refusal {
        file: workbook.relative(path).to_path_buf(),
        line,
        message,
    };
    unknown_folders(workbook, &mut refusals);
    let mut files = Vec::new();
    walk(&dir, &mut files, &mut |link| {
        refusals.push(at(
            link,
            None,
            "is a symbolic link: the grader builds only files that live in the exercise's folder. \
             Replace it with a plain file."
                .into(),
        ))
    });
    for name in ["build.rs", ".cargo", "rust-toolchain", "rust-toolchain.toml"] {
        let path = dir.join(name);
        if path.exists() {
            let what = match name {
                "build.rs" => {
                    "a build script runs code on your machine at build time, before any check"
                }
                ".cargo" => "a cargo configuration changes how the grader builds",
                _ => "a toolchain file changes which compiler the grader uses",
            };
            refusals.push(at(
                &path,
                None,
                format!("must not be in an exercise's folder: {what}. Remove it and check again."),
            ));
        }
    }
    if let Some(refusal) = manifest(workbook, exercise) {
        refusals.push(refusal);
    }
    let allowances = Allowances { modules: exercise.allow.clone() };
    let src = dir.join("src");
    for file in
        files.iter().filter(|f| f.starts_with(&src) && f.extension().is_some_and(|e| e == "rs"))
    {
        let Ok(text) = std::fs::read_to_string(file) else {
            refusals.push(at(
                file,
                None,
                "is not UTF-8 text: rustc would not read it either.".into(),
            ));
            continue;
        };
        for finding in source_policy::scan(&text, &allowances) {
            refusals.push(at(
                file,
                Some(finding.line),
                format!("uses {}: {}", finding.what, finding.why),
            ));
        }
    }
    refusals
}

/// Every file below `dir` (symbolic links are reported, never followed).
fn walk(dir: &Path, files: &mut Vec<PathBuf>, on_link: &mut dyn FnMut(&Path)) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_symlink() => on_link(&path),
            Ok(kind) if kind.is_dir() => walk(&path, files, on_link),
            Ok(_) => files.push(path),
            Err(_) => {}
        }
    }
}

fn unknown_folders(workbook: &Workbook, refusals: &mut Vec<Refusal>) {
    let Ok(entries) = std::fs::read_dir(workbook.root().join("exercises")) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let listed = workbook.manifest.exercises.iter().any(|e| e.slug == name);
        if entry.path().is_dir() && !listed {
            refusals.push(Refusal {
                file: PathBuf::from("exercises").join(&name),
                line: None,
                message:
                    "is not an exercise of kata.toml, yet cargo would take it into the workspace \
                          (`exercises/*`) and read its Cargo.toml. Move it out of exercises/."
                        .into(),
            });
        }
    }
}

/// The learner's `Cargo.toml` must say what the reference's says, but for
/// the package's name and description and the reference's `[lib]` name.
fn manifest(workbook: &Workbook, exercise: &Exercise) -> Option<Refusal> {
    let learner_path = workbook.exercise_dir(exercise).join("Cargo.toml");
    let reference_path = workbook.solution_file(exercise).parent()?.parent()?.join("Cargo.toml");
    let refusal = |message: String| Refusal {
        file: workbook.relative(&learner_path).to_path_buf(),
        line: None,
        message,
    };
    let Ok(reference) = read_table(&reference_path) else {
        return Some(refusal(format!(
            "cannot be compared with {}, which is missing or broken: the workbook is damaged. \
             `git checkout -- {}` restores it.",
            workbook.relative(&reference_path).display(),
            workbook.relative(&reference_path).display()
        )));
    };
    let learner = match read_table(&learner_path) {
        Ok(table) => table,
        Err(why) => {
            return Some(refusal(format!(
                "cannot be read ({why}). Put back the file as shipped: `git checkout -- {}`.",
                workbook.relative(&learner_path).display()
            )))
        }
    };
    let expected = expected_learner_manifest(reference, &exercise.slug);
    let learner = without_description(learner);
    (learner != expected).then(|| {
        let differs: Vec<String> = keys(&expected)
            .into_iter()
            .chain(keys(&learner))
            .filter(|key| lookup(&expected, key) != lookup(&learner, key))
            .fold(Vec::new(), |mut seen, key| {
                if !seen.contains(&key) {
                    seen.push(key);
                }
                seen
            });
        refusal(format!(
            "differs from the manifest kata ships ({}): the grader builds an exercise exactly as shipped, \
             since a new dependency, feature or build setting would run or link code it has not checked. \
             Put the file back (`git checkout -- {}`); an exercise never needs more than it came with.",
            differs.join(", "),
            workbook.relative(&learner_path).display()
        ))
    })
}

fn read_table(path: &Path) -> Result<toml::Table, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    text.parse::<toml::Table>().map_err(|e| e.message().to_string())
}

/// The reference's manifest as the learner's must be: named after the
/// exercise, without the reference's `[lib]` name or description.
fn expected_learner_manifest(mut reference: toml::Table, slug: &str) -> toml::Table {
    if let Some(lib) = reference.get_mut("lib").and_then(|l| l.as_table_mut()) {
        lib.remove("name");
        if lib.is_empty() {
            reference.remove("lib");
        }
    }
    if let Some(package) = reference.get_mut("package").and_then(|p| p.as_table_mut()) {
        package.insert("name".into(), toml::Value::String(slug.into()));
    }
    without_description(reference)
}

fn without_description(mut table: toml::Table) -> toml::Table {
    if let Some(package) = table.get_mut("package").and_then(|p| p.as_table_mut()) {
        package.remove("description");
    }
    table
}

/// Top-level keys and the keys of top-level tables, as `section.key`.
fn keys(table: &toml::Table) -> Vec<String> {
    let mut keys = Vec::new();
    for (name, value) in table {
        match value.as_table() {
            Some(inner) => keys.extend(inner.keys().map(|k| format!("{name}.{k}"))),
            None => keys.push(name.clone()),
        }
    }
    keys
}

fn lookup<'a>(table: &'a toml::Table, key: &str) -> Option<&'a toml::Value> {
    match key.split_once('.') {
        Some((section, inner)) => table.get(section)?.as_table()?.get(inner),
        None => table.get(key),
    }
}

/// What rustc's dep-info (`<crate>-<hash>.d` beside the crate's `.rlib`)
/// says went into the learner's crate that should not have: a file outside
/// `src_dir`, or an environment variable read at compile time. rustc
/// names the files as cargo gave them, relative to the workspace `root`
/// (cargo runs rustc there), not to wherever kata was started.
pub fn dep_info(
    dep_file: &Path,
    src_dir: &Path,
    root: &Path,
) -> Result<Vec<String>, std::io::Error> {
    let text = std::fs::read_to_string(dep_file)?;
    let src_dir = src_dir.canonicalize().unwrap_or_else(|_| src_dir.to_path_buf());
    let mut problems = Vec::new();
    for line in text.lines() {
        if let Some(variable) = line.strip_prefix("# env-dep:") {
            let name = variable.split('=').next().unwrap_or(variable);
            problems.push(format!("reads the environment variable `{name}` at compile time"));
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        // `target: dep dep ...` or `dep:`; paths escape spaces as `\ `.
        let Some((_, deps)) = split_rule(line) else {
            continue;
        };
        for dep in split_paths(deps) {
            let path = root.join(&dep);
            let path = path.canonicalize().unwrap_or(path);
            if !path.starts_with(&src_dir) {
                let problem = format!("compiles {}, which is outside its src/", path.display());
                if !problems.contains(&problem) {
                    problems.push(problem);
                }
            }
        }
    }
    Ok(problems)
}

/// `out: a b` → ("out", " a b"), skipping a Windows drive's `C:`.
fn split_rule(line: &str) -> Option<(&str, &str)> {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b':'
            && !(i == 1 && bytes[0].is_ascii_alphabetic())
            && bytes.get(i + 1).is_none_or(|b| *b == b' ')
        {
            return Some((&line[..i], &line[i + 1..]));
        }
        i += 1;
    }
    None
}

fn split_paths(deps: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut current = String::new();
    let mut chars = deps.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&' ') => {
                current.push(' ');
                chars.next();
            }
            ' ' => {
                if !current.is_empty() {
                    paths.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        paths.push(current);
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_learner_manifest_is_the_reference_one_renamed() {
        let reference: toml::Table = r#"
            [package]
            name = "ex01-x-solution"
            version = "0.1.0"
            description = "the reference"
            [lib]
            name = "ex01_x"
            [dependencies]
            rayon.workspace = true
        "#
        .parse()
        .unwrap();
        let learner: toml::Table = "[package]\nname = \"ex01-x\"\nversion = \"0.1.0\"\n[dependencies]\nrayon.workspace = true\n"
            .parse()
            .unwrap();
        assert_eq!(expected_learner_manifest(reference.clone(), "ex01-x"), learner);
        let mut extra = learner.clone();
        extra["dependencies"]
            .as_table_mut()
            .unwrap()
            .insert("ex01-x-solution".into(), toml::Value::String("*".into()));
        assert_ne!(expected_learner_manifest(reference, "ex01-x"), extra);
        assert!(keys(&extra).contains(&"dependencies.ex01-x-solution".to_string()));
    }

    #[test]
    fn dep_info_names_outside_files_and_environment_reads() {
        let dir = std::env::temp_dir().join(format!("kata-depinfo-{}", std::process::id()));
        let src = dir.join("src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("lib.rs"), "").unwrap();
        let lib = src.join("lib.rs");
        let file = dir.join("x.d");
        std::fs::write(
            &file,
            format!(
                "/t/libx.rlib: {lib} /etc/hostname\n\n{lib}:\n/etc/hostname:\n\n# env-dep:HOME=/root\n",
                lib = lib.display()
            ),
        )
        .unwrap();
        let problems = dep_info(&file, &src, Path::new("/elsewhere")).unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("/etc/hostname"), "{problems:?}");
        assert!(problems[1].contains("`HOME`"), "{problems:?}");
        std::fs::write(&file, format!("/t/libx.rlib: {lib}\n\n{lib}:\n", lib = lib.display()))
            .unwrap();
        assert_eq!(dep_info(&file, &src, Path::new("/elsewhere")).unwrap(), Vec::<String>::new());
        // As cargo runs rustc: paths relative to the workspace root, which
        // need not be the folder kata was started in.
        std::fs::write(&file, "/t/libx.rlib: src/lib.rs\n\nsrc/lib.rs:\n").unwrap();
        assert_eq!(dep_info(&file, &src, &dir).unwrap(), Vec::<String>::new());
        let problems = dep_info(&file, &src, Path::new("/elsewhere")).unwrap();
        assert!(problems[0].contains("outside its src/"), "{problems:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn dep_paths_keep_escaped_spaces() {
        assert_eq!(split_paths(r" /a\ b/c.rs /d.rs"), ["/a b/c.rs", "/d.rs"]);
        assert_eq!(split_rule("C:/x.rlib: C:/y.rs").map(|r| r.1), Some(" C:/y.rs"));
    }
}
