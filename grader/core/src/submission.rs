//! A student's submission, as `kata grade` reads it: a folder, a tarball
//! (`.tar`, `.tar.gz`, `.tgz`) or a git bundle (`.bundle`), holding a whole
//! workbook or just `exercises/<slug>/src/*.rs` files. The student's name is
//! the folder's, or the archive's without its extension.
//!
//! Only the learner's files are taken from it ([`Submission::learner_code`]);
//! everything else in it is the student's word, which a grade never uses and
//! [`Submission::audit`] lists. A tarball is unpacked into a folder of kata's
//! own and refused whole if an entry is a link, an absolute path or climbs
//! out with `..`: such a submission is not graded, and every exercise of it
//! says why. Links in a folder or a bundle are kept as links, for the
//! grader's policy to refuse: never followed, so a `lib.rs` that points at
//! a teacher's file cannot read it into a report.

use crate::child::{self, Exit};
use crate::workbook::Workbook;
use crate::Error;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

/// A tarball may unpack to this much, in this many entries, at most.
const UNPACKED_LIMIT: u64 = 256 << 20;
const ENTRY_LIMIT: usize = 20_000;

/// How long `git clone` of a bundle may take.
const CLONE_LIMIT: Duration = Duration::from_secs(120);

/// Folders that are never a student's work: build output, git's own,
/// kata's backups and progress, the built book.
const IGNORED: [&str; 4] = ["target", ".git", ".kata-backups", "book/book"];

pub struct Submission {
    /// The student's name, from the folder's or the archive's name.
    pub student: String,
    /// What was given on the command line.
    pub source: PathBuf,
    /// The folder holding the student's files.
    root: PathBuf,
    /// Why the submission cannot be graded (a tarball with a link, a bundle
    /// git cannot clone): every exercise is refused with this.
    pub unreadable: Option<String>,
    _unpacked: Option<TempDir>,
}

/// One file of a learner's `src/`: its contents, or where a link points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LearnerFile {
    File(Vec<u8>),
    Link(PathBuf),
}

/// A file outside `exercises/*/src/` that differs from the teacher's.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AuditEntry {
    /// From the workbook's root, with `/`.
    pub path: String,
    /// `added`, `changed` or `missing`.
    pub change: String,
}

impl Submission {
    /// Opens `path`. `Err` only when kata cannot tell what it is or cannot
    /// run git; a submission that is there but unreadable is graded as
    /// refused, with the reason.
    pub fn open(path: &Path) -> Result<Submission, Error> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let bad = |why: &str| {
            Error::Grader(format!(
                "{} {why}. Give each submission as a folder, a tarball (.tar, .tar.gz, .tgz) or a git bundle (.bundle), named after its student.",
                path.display()
            ))
        };
        let meta = std::fs::metadata(path).map_err(|_| bad("does not exist"))?;
        let open = |student: &str, root: PathBuf, unreadable, unpacked| Submission {
            student: student.to_string(),
            source: path.to_path_buf(),
            root,
            unreadable,
            _unpacked: unpacked,
        };
        if meta.is_dir() {
            return Ok(open(&name, workbook_root(path), None, None));
        }
        let archive = [".tar.gz", ".tgz", ".tar", ".bundle"]
            .into_iter()
            .find_map(|ext| Some((name.strip_suffix(ext)?, ext)));
        let Some((student, ext)) = archive.filter(|(s, _)| !s.is_empty()) else {
            return Err(bad("is neither a folder nor a file kata can unpack"));
        };
        let dir = TempDir::new(student)?;
        let unpacked = if ext == ".bundle" {
            clone_bundle(path, &dir.0.join("repo"))?
        } else {
            unpack_tar(path, &dir.0.join("repo"), ext != ".tar")
        };
        let root = workbook_root(&dir.0.join("repo"));
        Ok(match unpacked {
            Ok(()) => open(student, root, None, Some(dir)),
            Err(why) => open(student, root, Some(why), Some(dir)),
        })
    }

    /// The student's `.rs` files of `slug` (paths relative to its `src/`),
    /// or `None` when there is no `src/lib.rs`.
    pub fn learner_code(&self, slug: &str) -> Option<Vec<(PathBuf, LearnerFile)>> {
        let src = self.root.join("exercises").join(slug).join("src");
        let lib = std::fs::symlink_metadata(src.join("lib.rs")).ok()?;
        if lib.is_dir() {
            return None;
        }
        let mut files = Vec::new();
        for path in walk(&src) {
            let relative = path.strip_prefix(&src).unwrap_or(&path).to_path_buf();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let file = match std::fs::read_link(&path) {
                Ok(target) => LearnerFile::Link(target),
                Err(_) => LearnerFile::File(std::fs::read(&path).ok()?),
            };
            files.push((relative, file));
        }
        Some(files)
    }

    /// Every file outside `exercises/*/src/` that differs from `teacher`'s:
    /// added or changed, and, when the submission is a whole workbook (it
    /// has `kata.toml`), missing.
    pub fn audit(&self, teacher: &Workbook) -> Vec<AuditEntry> {
        let mut entries = Vec::new();
        let theirs = relative_files(&self.root);
        for path in &theirs {
            let ours = teacher.root().join(path);
            let mine = self.root.join(path);
            let change = if std::fs::symlink_metadata(&ours).is_err() {
                "added"
            } else if std::fs::read_link(&mine).is_ok()
                || std::fs::read(&mine).ok() != std::fs::read(&ours).ok()
            {
                "changed"
            } else {
                continue;
            };
            entries.push(AuditEntry { path: slashed(path), change: change.into() });
        }
        if self.root.join("kata.toml").is_file() {
            for path in relative_files(teacher.root()) {
                if !theirs.contains(&path) {
                    entries.push(AuditEntry { path: slashed(&path), change: "missing".into() });
                }
            }
        }
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        entries
    }
}

/// `name` as a file name: letters, digits, `-`, `_` and `.` kept, anything
/// else `_`, no leading dot, at most 80 characters.
pub fn file_name(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .take(80)
        .collect();
    let safe = safe.trim_start_matches('.');
    if safe.is_empty() {
        "student".into()
    } else {
        safe.to_string()
    }
}

/// The folder with `exercises/` in it: `dir` itself, or its one subfolder
/// (a tarball of `alice/...`).
fn workbook_root(dir: &Path) -> PathBuf {
    if dir.join("exercises").is_dir() {
        return dir.to_path_buf();
    }
    let entries: Vec<_> =
        std::fs::read_dir(dir).map(|e| e.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    match entries.as_slice() {
        [only] if only.join("exercises").is_dir() && !only.is_symlink() => only.clone(),
        _ => dir.to_path_buf(),
    }
}

fn slashed(path: &Path) -> String {
    let parts: Vec<String> =
        path.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    parts.join("/")
}

/// Every file (and link) below `dir`, links never followed.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => stack.push(entry.path()),
                Ok(_) => files.push(entry.path()),
                Err(_) => {}
            }
        }
    }
    files.sort();
    files
}

/// The files of a workbook that are not a learner's code, relative to its
/// root, skipping [`IGNORED`] folders and the progress file.
fn relative_files(root: &Path) -> Vec<PathBuf> {
    walk(root)
        .into_iter()
        .filter_map(|path| path.strip_prefix(root).ok().map(Path::to_path_buf))
        .filter(|relative| {
            let text = slashed(relative);
            let in_src = {
                let parts: Vec<&str> = text.split('/').collect();
                parts.len() > 3 && parts[0] == "exercises" && parts[2] == "src"
            };
            !in_src
                && !text.starts_with(".kata-progress")
                && !IGNORED.iter().any(|i| text == *i || text.starts_with(&format!("{i}/")))
        })
        .collect()
}

/// Unpacks a tarball into `dest`, refusing links, absolute paths, `..`
/// and anything but files and folders. `Err` is the reason, for the report.
fn unpack_tar(tarball: &Path, dest: &Path, gzip: bool) -> Result<(), String> {
    let name = tarball.display();
    let unreadable = |e: std::io::Error| format!("{name} is not a tarball kata can read ({e})");
    let file = std::fs::File::open(tarball).map_err(unreadable)?;
    let reader: Box<dyn std::io::Read> =
        if gzip { Box::new(flate2::read::GzDecoder::new(file)) } else { Box::new(file) };
    std::fs::create_dir_all(dest).map_err(unreadable)?;
    let mut archive = tar::Archive::new(reader);
    let (mut total, mut count) = (0u64, 0usize);
    for entry in archive.entries().map_err(unreadable)? {
        let mut entry = entry.map_err(unreadable)?;
        count += 1;
        let path = entry.path().map_err(unreadable)?.into_owned();
        let safe = path.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
        if !safe {
            return Err(format!(
                "{name} holds `{}`, an absolute path or one that climbs out with `..`: kata unpacks only paths inside the submission, so nothing of it was graded",
                path.display()
            ));
        }
        let kind = entry.header().entry_type();
        if !(kind.is_file() || kind.is_dir()) {
            return Err(format!(
                "{name} holds `{}`, which is a link or a special file: a submission holds plain files and folders only, so nothing of it was graded",
                path.display()
            ));
        }
        total += entry.size();
        if total > UNPACKED_LIMIT || count > ENTRY_LIMIT {
            return Err(format!(
                "{name} unpacks to more than {} MiB or {ENTRY_LIMIT} entries: a workbook is far smaller, so nothing of it was graded",
                UNPACKED_LIMIT >> 20
            ));
        }
        let to = dest.join(&path);
        let written = if kind.is_dir() {
            std::fs::create_dir_all(&to)
        } else {
            to.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| {
                let mut out = std::fs::File::create(&to)?;
                std::io::copy(&mut entry, &mut out).map(|_| ())
            })
        };
        written.map_err(unreadable)?;
    }
    Ok(())
}

/// `git clone` of a bundle into `dest`, with no hooks and no filters.
fn clone_bundle(bundle: &Path, dest: &Path) -> Result<Result<(), String>, Error> {
    let mut command = std::process::Command::new("git");
    command
        .args(["-c", "core.hooksPath=/dev/null", "-c", "protocol.allow=never"])
        .args(["-c", "protocol.file.allow=always", "clone", "--quiet"])
        .arg(bundle)
        .arg(dest)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_LFS_SKIP_SMUDGE", "1");
    let finished = child::run(command, CLONE_LIMIT, |_| {}).map_err(|e| {
        Error::Grader(format!(
            "could not run git ({e}) to open the bundle {}: install git and make sure it is on PATH, or give the submission as a folder or a tarball",
            bundle.display()
        ))
    })?;
    Ok(match finished.exit {
        Exit::Code(0) => Ok(()),
        _ => Err(format!(
            "{} is not a git bundle git can clone: {}",
            bundle.display(),
            finished.stderr.text().trim()
        )),
    })
}

/// A folder of kata's own under the system's temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Result<TempDir, Error> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "kata-grade-{}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            file_name(name)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::io(format!("could not create {}", dir.display()), e))?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_safe_file_names() {
        assert_eq!(file_name("alice"), "alice");
        assert_eq!(file_name("<script>"), "_script_");
        assert_eq!(file_name("../../etc"), "_.._etc");
        assert_eq!(file_name("..."), "student");
        assert_eq!(file_name("José Núñez"), "José_Núñez");
    }

    #[test]
    fn tarballs_with_links_or_climbing_paths_are_refused() {
        let dir = TempDir::new("tar-test").unwrap();
        let build = |name: &str, path: &str, link: bool| {
            let tarball = dir.0.join(name);
            let mut builder = tar::Builder::new(std::fs::File::create(&tarball).unwrap());
            let mut header = tar::Header::new_gnu();
            if link {
                header.set_entry_type(tar::EntryType::Symlink);
                header.set_link_name("/etc/passwd").unwrap();
                header.set_size(0);
            } else {
                header.set_size(3);
            }
            // `set_path` refuses `..`; write the raw name as an attacker would.
            header.as_old_mut().name[..path.len()].copy_from_slice(path.as_bytes());
            header.set_cksum();
            builder.append(&header, &b"abc"[..if link { 0 } else { 3 }]).unwrap();
            builder.finish().unwrap();
            tarball
        };
        let ok = build("ok.tar", "exercises/ex01-a/src/lib.rs", false);
        assert_eq!(unpack_tar(&ok, &dir.0.join("ok"), false), Ok(()));
        assert_eq!(std::fs::read(dir.0.join("ok/exercises/ex01-a/src/lib.rs")).unwrap(), b"abc");
        let climbs = build("climbs.tar", "../escaped.rs", false);
        let why = unpack_tar(&climbs, &dir.0.join("climbs"), false).unwrap_err();
        assert!(why.contains("climbs out"), "{why}");
        assert!(!dir.0.join("escaped.rs").exists());
        let link = build("link.tar", "exercises/ex01-a/src/lib.rs", true);
        let why = unpack_tar(&link, &dir.0.join("link"), false).unwrap_err();
        assert!(why.contains("a link"), "{why}");
        let absolute = build("abs.tar", "/tmp/kata-abs.rs", false);
        let why = unpack_tar(&absolute, &dir.0.join("abs"), false).unwrap_err();
        assert!(why.contains("absolute"), "{why}");
    }
}
