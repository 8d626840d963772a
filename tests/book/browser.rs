//! Headless Chromium, run once per page: `--dump-dom` prints the page's DOM
//! after its scripts ran (mdbook's sidebar and search are built by
//! JavaScript, so the HTML file alone proves neither), `--screenshot` saves
//! what a reader sees.
//!
//! Every run gets a fresh profile folder, removed afterwards; every run has a
//! time limit, and Chromium's whole process group is killed when it ends.
//! `--virtual-time-budget` lets the page's timers and loads settle before the
//! DOM is read, without waiting that long in real time.

use super::limited;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// A Chromium run that takes longer than this has hung.
const LIMIT: Duration = Duration::from_secs(90);

/// Virtual time for a page to load its scripts, index and fonts.
const SETTLE_MS: u32 = 5000;

/// The window size: wide enough that mdbook shows its sidebar.
pub const WINDOW: (u32, u32) = (1280, 900);

pub struct Chromium {
    binary: PathBuf,
}

impl Chromium {
    /// `KATA_CHROMIUM` if set, else Debian's `/usr/bin/chromium`, else the
    /// usual names on PATH; `Err` says where it looked.
    pub fn find() -> Result<Chromium, String> {
        if let Some(given) = std::env::var_os("KATA_CHROMIUM") {
            let binary = PathBuf::from(given);
            return if binary.is_file() {
                Ok(Chromium { binary })
            } else {
                Err(format!("KATA_CHROMIUM={} is not a file", binary.display()))
            };
        }
        let debian = Path::new("/usr/bin/chromium");
        if debian.is_file() {
            return Ok(Chromium {
                binary: debian.into(),
            });
        }
        const NAMES: [&str; 4] = [
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
        ];
        NAMES
            .iter()
            .find_map(|name| super::on_path(name))
            .map(|binary| Chromium { binary })
            .ok_or_else(|| {
                format!(
                    "neither /usr/bin/chromium nor {} is on PATH",
                    NAMES.join(", ")
                )
            })
    }

    pub fn binary(&self) -> &Path {
        &self.binary
    }

    /// The DOM of `url` once its scripts have run.
    pub fn dump_dom(&self, url: &str) -> Result<String, String> {
        let ran = self.run(&["--dump-dom".to_string(), url.to_string()])?;
        if !ran.success() || ran.stdout.trim().is_empty() {
            return Err(format!(
                "chromium --dump-dom {url} failed (exit {:?}); its last words:\n{}",
                ran.code,
                ran.stderr_tail(15)
            ));
        }
        Ok(ran.stdout)
    }

    /// A PNG of `url` as a [`WINDOW`]-sized window shows it, saved to `to`.
    pub fn screenshot(&self, url: &str, to: &Path) -> Result<(), String> {
        let _ = std::fs::remove_file(to);
        let ran = self.run(&[
            format!("--screenshot={}", to.display()),
            "--hide-scrollbars".to_string(),
            url.to_string(),
        ])?;
        if !ran.success() || !to.is_file() {
            return Err(format!(
                "chromium --screenshot {url} wrote no {} (exit {:?}); its last words:\n{}",
                to.display(),
                ran.code,
                ran.stderr_tail(15)
            ));
        }
        Ok(())
    }

    fn run(&self, extra: &[String]) -> Result<limited::Ran, String> {
        let profile = Profile::new()?;
        let mut command = Command::new(&self.binary);
        command
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                // Containers often give /dev/shm a few MiB, where Chromium's
                // renderer would crash; /tmp has room.
                "--disable-dev-shm-usage",
            ])
            .arg(format!("--user-data-dir={}", profile.0.display()))
            .arg(format!("--window-size={},{}", WINDOW.0, WINDOW.1))
            .arg(format!("--virtual-time-budget={SETTLE_MS}"))
            .args(extra);
        let ran = limited::run(command, LIMIT)
            .map_err(|e| format!("could not start {}: {e}", self.binary.display()))?;
        if ran.timed_out {
            return Err(format!(
                "chromium did not finish in {} s and was killed; its last words:\n{}",
                LIMIT.as_secs(),
                ran.stderr_tail(15)
            ));
        }
        Ok(ran)
    }
}

/// A fresh Chromium profile folder, removed when dropped.
struct Profile(PathBuf);

impl Profile {
    fn new() -> Result<Profile, String> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "kata-book-chromium-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("could not create {}: {e}", dir.display()))?;
        Ok(Profile(dir))
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        // Chromium's processes are gone by now (their group was killed), but
        // give a straggler's last write a moment before trying again.
        for _ in 0..5 {
            if std::fs::remove_dir_all(&self.0).is_ok() || !self.0.exists() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// The width and height of a PNG, from its IHDR chunk.
pub fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !bytes.starts_with(SIGNATURE) || bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    let word = |at: usize| Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    Some((word(16)?, word(20)?))
}
