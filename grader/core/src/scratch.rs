//! Scratch copies of a workbook: where a class is graded (`kata grade`),
//! where `kata dev check` puts each fixture in the learner's place, and
//! what the project's tests run kata in.
//!
//! A copy holds every file of the workbook but what a build, a learner or
//! git leaves there ([`copied`]); [`sync`] brings one in line with its
//! workbook, rewriting only the files whose contents differ, so that the
//! copy's builds stay fresh, and says what it had to change; [`snapshot`]
//! and [`changed`] say what a run in the copy wrote.

use crate::Error;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Whether the file or folder at `relative` (from the workbook root)
/// belongs in a copy: not build output, git, the learner's progress and
/// backups, nor the built book.
pub fn copied(relative: &Path) -> bool {
    let first = relative.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned());
    !(matches!(first.as_deref(), Some("target" | ".git" | ".kata-backups"))
        || relative.starts_with("book/book")
        || relative.to_string_lossy().starts_with(".kata-progress"))
}

/// Brings the copy `to` in line with the workbook `from`: every file of it
/// that is [`copied`]; a file is rewritten only when its contents differ,
/// and files the workbook does not have are removed. Returns what it wrote
/// or removed, from the root, sorted (empty: the copy was in line).
pub fn sync(from: &Path, to: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut changed = Vec::new();
    let mut wanted = BTreeSet::new();
    walk(from, &mut |path, kind| {
        if !kind.is_file() {
            return Ok(());
        }
        let (source, dest) = (from.join(path), to.join(path));
        let bytes = std::fs::read(&source)
            .map_err(|e| Error::io(format!("could not read {}", source.display()), e))?;
        if std::fs::read(&dest).ok().as_deref() != Some(&bytes[..]) {
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Error::io(format!("could not create {}", parent.display()), e))?;
            }
            // Removed first: the copy's file may be a link a student planted.
            let _ = std::fs::remove_file(&dest);
            std::fs::write(&dest, &bytes)
                .map_err(|e| Error::io(format!("could not write {}", dest.display()), e))?;
            changed.push(path.to_path_buf());
        }
        wanted.insert(path.to_path_buf());
        Ok(())
    })?;
    // What the workbook does not have (or a student's extra file) goes.
    if to.is_dir() {
        walk(to, &mut |path, kind| {
            if !kind.is_dir() && !wanted.contains(path) {
                let _ = std::fs::remove_file(to.join(path));
                changed.push(path.to_path_buf());
            }
            Ok(())
        })?;
    }
    changed.sort();
    Ok(changed)
}

/// Where a scratch copy that would be at `wanted` goes when it builds in
/// `target`: at `wanted`, unless that is inside `target`, then beside
/// `target`, as `name`. Cargo records a crate's sources by their path from
/// the target dir when they are inside it (not from the crate), and names a
/// workspace member's build by its path in the workspace: another copy of
/// the workbook building in the same target dir would then be judged fresh
/// by the times of this copy's files, and run this copy's build.
pub fn placed(wanted: PathBuf, target: &Path, name: &str) -> PathBuf {
    let absolute = |path: &Path| std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let target = absolute(target);
    match target.parent() {
        Some(parent) if absolute(&wanted).starts_with(&target) => parent.join(name),
        _ => wanted,
    }
}

/// Holds `dir` (a scratch copy, a target dir) for this process until the
/// file returned is dropped (an OS lock on `<dir>.lock`, let go even if
/// kata is killed): a second run that wants it waits, and says so, instead
/// of rewriting the files or the builds the first is grading with.
pub fn hold(copy: &Path) -> Result<std::fs::File, Error> {
    let path = copy.with_extension("lock");
    let failed = |e| Error::io(format!("could not lock {}", path.display()), e);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(failed)?;
    }
    let file = std::fs::File::create(&path).map_err(failed)?;
    if file.try_lock().is_err() {
        eprintln!("waiting for another kata that is using {} to finish ...", copy.display());
        file.lock().map_err(failed)?;
    }
    Ok(file)
}

/// Gives every file of the copy at `root` a fresh modification time. Cargo
/// names a workspace member's build by its path in the workspace, so every
/// copy of a workbook shares one build in a shared target dir, and judges
/// it fresh by the times of the files of the copy that asks: a copy whose
/// files are older than another copy's build would run that build.
pub fn refresh(root: &Path) -> Result<(), Error> {
    let now = std::time::SystemTime::now();
    walk(root, &mut |path, kind| {
        if kind.is_file() {
            let file = root.join(path);
            std::fs::File::options()
                .write(true)
                .open(&file)
                .and_then(|f| f.set_modified(now))
                .map_err(|e| Error::io(format!("could not touch {}", file.display()), e))?;
        }
        Ok(())
    })
}

/// A hash of every file of the copy at `root` that is [`copied`], by its
/// path from the root: taken before and after something runs in the copy,
/// it says what that run wrote.
pub fn snapshot(root: &Path) -> Result<BTreeMap<PathBuf, String>, Error> {
    let mut files = BTreeMap::new();
    walk(root, &mut |path, kind| {
        if kind.is_file() {
            let mut hash = crate::pin::StableHash::default();
            hash.write(&std::fs::read(root.join(path)).unwrap_or_default());
            files.insert(path.to_path_buf(), hash.hex());
        } else if kind.is_symlink() {
            files.insert(path.to_path_buf(), "a link".into());
        }
        Ok(())
    })?;
    Ok(files)
}

/// The paths whose entries differ between two snapshots, sorted.
pub fn changed(
    before: &BTreeMap<PathBuf, String>,
    after: &BTreeMap<PathBuf, String>,
) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = before
        .keys()
        .chain(after.keys())
        .filter(|path| before.get(*path) != after.get(*path))
        .cloned()
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// Calls `visit` with every entry below `root` that is [`copied`] (its
/// path from `root`, and its kind; links are not followed), folders before
/// what they hold.
fn walk(
    root: &Path,
    visit: &mut dyn FnMut(&Path, std::fs::FileType) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut stack = vec![PathBuf::new()];
    while let Some(relative) = stack.pop() {
        let dir = root.join(&relative);
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| Error::io(format!("could not read {}", dir.display()), e))?;
        for entry in entries.flatten() {
            let path = relative.join(entry.file_name());
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if !copied(&path) {
                continue;
            }
            visit(&path, kind)?;
            if kind.is_dir() {
                stack.push(path);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_sources_only() {
        for skipped in
            ["target/x", ".git", ".kata-backups/a.rs", "book/book/index.html", ".kata-progress.bak"]
        {
            assert!(!copied(Path::new(skipped)), "{skipped}");
        }
        for kept in
            ["kata.toml", "book/src/SUMMARY.md", "exercises/ex01-a/src/lib.rs", "targets.md"]
        {
            assert!(copied(Path::new(kept)), "{kept}");
        }
    }

    #[test]
    fn a_copy_is_never_inside_its_target_dir() {
        let root = Path::new("/w");
        assert_eq!(
            placed(root.join("t/kata-dev/workbook"), &root.join("t"), "kata-dev-workbook"),
            root.join("kata-dev-workbook")
        );
        assert_eq!(
            placed(root.join("t/kata-dev/workbook"), &root.join("t/kata-dev/target"), "x"),
            root.join("t/kata-dev/workbook"),
            "beside its target dir already"
        );
        assert_eq!(placed(root.join("tx/w"), &root.join("t"), "x"), root.join("tx/w"));
    }

    #[test]
    fn a_refreshed_copy_is_newer_than_any_build() {
        let root = std::env::temp_dir().join(format!("kata-refresh-test-{}", std::process::id()));
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(root.join("src/lib.rs"), "a").unwrap();
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        let file = std::fs::File::options().write(true).open(root.join("src/lib.rs")).unwrap();
        file.set_modified(old).unwrap();
        refresh(&root).unwrap();
        let touched = std::fs::metadata(root.join("src/lib.rs")).unwrap().modified().unwrap();
        assert!(touched > old + std::time::Duration::from_secs(1_000_000));
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_held_copy_is_held_once() {
        let copy = std::env::temp_dir().join(format!("kata-hold-test-{}", std::process::id()));
        let held = hold(&copy).unwrap();
        let lock = std::fs::File::open(copy.with_extension("lock")).unwrap();
        assert!(lock.try_lock().is_err(), "a second holder must wait");
        drop(held);
        assert!(lock.try_lock().is_ok(), "free once the first lets go");
        let _ = std::fs::remove_file(copy.with_extension("lock"));
    }

    #[test]
    fn says_what_it_had_to_change() {
        let base = std::env::temp_dir().join(format!("kata-scratch-test-{}", std::process::id()));
        let (from, to) = (base.join("from"), base.join("to"));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(from.join("src")).unwrap();
        std::fs::create_dir_all(from.join("target")).unwrap();
        std::fs::write(from.join("src/lib.rs"), "a").unwrap();
        std::fs::write(from.join("target/big"), "built").unwrap();
        assert_eq!(sync(&from, &to).unwrap(), [PathBuf::from("src/lib.rs")]);
        assert!(!to.join("target").exists());
        assert_eq!(sync(&from, &to).unwrap(), Vec::<PathBuf>::new(), "in line");
        std::fs::write(to.join("src/lib.rs"), "changed").unwrap();
        std::fs::write(to.join("planted"), "x").unwrap();
        assert_eq!(
            sync(&from, &to).unwrap(),
            [PathBuf::from("planted"), PathBuf::from("src/lib.rs")]
        );
        assert_eq!(std::fs::read_to_string(to.join("src/lib.rs")).unwrap(), "a");
        assert!(!to.join("planted").exists());
        let before = snapshot(&to).unwrap();
        std::fs::write(to.join("planted"), "x").unwrap();
        std::fs::write(to.join("src/lib.rs"), "b").unwrap();
        std::fs::create_dir_all(to.join("target")).unwrap();
        std::fs::write(to.join("target/ignored"), "built").unwrap();
        assert_eq!(
            changed(&before, &snapshot(&to).unwrap()),
            [PathBuf::from("planted"), PathBuf::from("src/lib.rs")]
        );
        let _ = std::fs::remove_dir_all(&base);
    }
}
