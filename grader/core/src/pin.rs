//! What a grade was graded with, so that a teacher can tell two reports
//! apart: the workbook's commit and a hash of every file that decides a
//! verdict (the grader, the checks, the reference solutions, the manifests
//! and the lock file). A student's copy may change any of these; a grade
//! made by `kata grade` uses the teacher's, and says which.
//!
//! The hash is FNV-1a over each file's path (from the workbook root, with
//! `/`) and contents, in path order: the same files give the same hash on
//! every machine and toolchain, which `std`'s `DefaultHasher` does not
//! promise (shards of a class graded on several runners must agree).

use crate::workbook::Workbook;
use std::path::{Path, PathBuf};

/// A 64-bit FNV-1a hash, written out as 16 hex digits.
#[derive(Debug, Clone)]
pub struct StableHash(u64);

impl Default for StableHash {
    fn default() -> StableHash {
        StableHash(0xcbf2_9ce4_8422_2325)
    }
}

impl StableHash {
    pub fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// `bytes` with its length first, so that two fields never run together.
    pub fn field(&mut self, bytes: &[u8]) {
        self.write(&(bytes.len() as u64).to_le_bytes());
        self.write(bytes);
    }

    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// A hash of `salt` and of every file under `paths` (folders are walked,
/// skipping any `target/`; a missing path counts as empty), relative to
/// `root`.
pub fn files_hash(root: &Path, paths: &[PathBuf], salt: &[&str]) -> String {
    let mut hash = StableHash::default();
    for part in salt {
        hash.field(part.as_bytes());
    }
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            collect_files(path, &mut files);
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();
    for file in files {
        let relative = file.strip_prefix(root).unwrap_or(&file);
        let name: Vec<String> =
            relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        hash.field(name.join("/").as_bytes());
        hash.field(&std::fs::read(&file).unwrap_or_default());
    }
    hash.hex()
}

/// The hash of what grades in `workbook`: every file under `grader/` and
/// `solutions/`, `kata.toml`, `Cargo.toml` and `Cargo.lock`.
pub fn grader_hash(workbook: &Workbook) -> String {
    let root = workbook.root();
    let paths: Vec<PathBuf> = ["grader", "solutions", "kata.toml", "Cargo.toml", "Cargo.lock"]
        .iter()
        .map(|p| root.join(p))
        .collect();
    files_hash(root, &paths, &[])
}

/// `git rev-parse HEAD` of the workbook, if it is a git checkout and git
/// is on PATH.
pub fn commit(workbook: &Workbook) -> Option<String> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(workbook.root())
        .args(["rev-parse", "HEAD"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let commit = text.trim();
    (output.status.success() && commit.len() >= 40 && commit.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| commit.to_string())
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() && entry.file_name() != "target" => {
                collect_files(&path, files)
            }
            Ok(kind) if kind.is_file() => files.push(path),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_fnv_1a_and_sees_names_and_contents() {
        // FNV-1a 64 of "a", the published test vector.
        let mut hash = StableHash::default();
        hash.write(b"a");
        assert_eq!(hash.hex(), "af63dc4c8601ec8c");
        let dir = std::env::temp_dir().join(format!("kata-pin-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("g/target")).unwrap();
        std::fs::write(dir.join("g/a.rs"), "one").unwrap();
        std::fs::write(dir.join("g/target/skipped"), "x").unwrap();
        let of = || files_hash(&dir, &[dir.join("g")], &["v1"]);
        let first = of();
        std::fs::write(dir.join("g/target/skipped"), "y").unwrap();
        assert_eq!(of(), first, "target/ is not part of the grader");
        std::fs::write(dir.join("g/a.rs"), "two").unwrap();
        assert_ne!(of(), first);
        std::fs::write(dir.join("g/a.rs"), "one").unwrap();
        std::fs::rename(dir.join("g/a.rs"), dir.join("g/b.rs")).unwrap();
        assert_ne!(of(), first, "a renamed file changes the hash");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
