//! Reading cargo's JSON messages: the binary built, rustc's errors in their
//! order, the dep-info of the crate under check, and which crates cargo
//! compiled (for a progress display).

use super::{BuildEvent, Diagnostic};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Default)]
pub(super) struct Messages {
    pub binary: Option<PathBuf>,
    /// Errors only, in rustc's order: the first one is the one to fix first.
    pub diagnostics: Vec<Diagnostic>,
    /// The package whose code is under check, and its dep-info file.
    package: String,
    pub dep_info: Option<PathBuf>,
}

#[derive(Deserialize)]
struct Message {
    reason: String,
    #[serde(default)]
    package_id: String,
    #[serde(default)]
    manifest_path: Option<PathBuf>,
    #[serde(default)]
    fresh: bool,
    #[serde(default)]
    executable: Option<PathBuf>,
    #[serde(default)]
    filenames: Vec<PathBuf>,
    #[serde(default)]
    message: Option<CompilerMessage>,
}

#[derive(Deserialize)]
struct CompilerMessage {
    level: String,
    #[serde(default)]
    rendered: Option<String>,
}

impl Messages {
    pub fn for_package(package: &str) -> Messages {
        Messages { package: package.to_string(), ..Messages::default() }
    }

    pub fn read(&mut self, line: &str, workspace_root: &Path) -> Option<BuildEvent> {
        let message: Message = serde_json::from_str(line).ok()?;
        match message.reason.as_str() {
            "compiler-artifact" => {
                if let Some(executable) = message.executable {
                    self.binary = Some(executable);
                }
                if package_name(&message.package_id) == self.package {
                    // `deps/libex01_x-HASH.rlib` has `deps/ex01_x-HASH.d`
                    // (rustc's); built as the build's own target, the
                    // crate's rlib is also copied up beside `deps/`, with
                    // cargo's dep-info and no hash.
                    self.dep_info = message
                        .filenames
                        .iter()
                        .filter(|f| f.parent().and_then(Path::file_name) == Some("deps".as_ref()))
                        .find_map(|f| {
                            let stem = f.file_stem()?.to_str()?;
                            let stem = stem.strip_prefix("lib").unwrap_or(stem);
                            Some(f.with_file_name(format!("{stem}.d")))
                        });
                }
                if message.fresh {
                    return None;
                }
                let dependency =
                    message.manifest_path.as_deref().is_none_or(|p| !p.starts_with(workspace_root));
                Some(BuildEvent::Compiled {
                    package: package_name(&message.package_id),
                    dependency,
                })
            }
            "compiler-message" => {
                let diagnostic = message.message?;
                if diagnostic.level == "error" {
                    self.diagnostics.push(Diagnostic {
                        level: diagnostic.level,
                        rendered: diagnostic.rendered.unwrap_or_default(),
                    });
                }
                None
            }
            _ => None,
        }
    }
}

/// `serde_json` from `registry+https://...#serde_json@1.0.1` or
/// `path+file:///.../kata#kata-harness@0.1.0`, or the old `name 1.0 (source)`.
fn package_name(id: &str) -> String {
    if let Some((_, tail)) = id.rsplit_once('#') {
        let name = tail.split('@').next().unwrap_or(tail);
        // `path+file:///x/ex01-spawn-and-join#0.1.0` names the folder.
        if name.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            let before = id.rsplit_once('#').map_or(id, |(b, _)| b);
            return before.rsplit('/').next().unwrap_or(before).to_string();
        }
        return name.to_string();
    }
    id.split(' ').next().unwrap_or(id).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_from_ids() {
        assert_eq!(
            package_name(
                "registry+https://github.com/rust-lang/crates.io-index#serde_json@1.0.140"
            ),
            "serde_json"
        );
        assert_eq!(
            package_name("path+file:///w/grader/harness#kata-harness@0.1.0"),
            "kata-harness"
        );
        assert_eq!(
            package_name("path+file:///w/exercises/ex01-spawn-and-join#0.1.0"),
            "ex01-spawn-and-join"
        );
        assert_eq!(package_name("serde 1.0.0 (registry+https://x)"), "serde");
    }

    #[test]
    fn keeps_errors_in_order_and_the_binary() {
        let mut messages = Messages::default();
        let root = std::path::Path::new("/w");
        let lines = [
            r#"{"reason":"compiler-message","package_id":"p","message":{"level":"warning","rendered":"w"}}"#,
            r#"{"reason":"compiler-message","package_id":"p","message":{"level":"error","rendered":"first"}}"#,
            r#"{"reason":"compiler-message","package_id":"p","message":{"level":"error","rendered":"second"}}"#,
            r#"{"reason":"compiler-artifact","package_id":"registry+x#tokio@1.0.0","manifest_path":"/home/.cargo/tokio/Cargo.toml","fresh":false}"#,
            r#"{"reason":"compiler-artifact","package_id":"path+file:///w/c#c@0.1.0","manifest_path":"/w/c/Cargo.toml","fresh":false,"executable":"/w/target/grade/c"}"#,
            "not json at all",
        ];
        let events: Vec<_> = lines.iter().filter_map(|l| messages.read(l, root)).collect();
        assert_eq!(
            events,
            [
                BuildEvent::Compiled { package: "tokio".into(), dependency: true },
                BuildEvent::Compiled { package: "c".into(), dependency: false },
            ]
        );
        let rendered: Vec<_> = messages.diagnostics.iter().map(|d| d.rendered.as_str()).collect();
        assert_eq!(rendered, ["first", "second"]);
        assert_eq!(messages.binary, Some(PathBuf::from("/w/target/grade/c")));
    }
}
