//! The sandbox's own tests: a confined shell, and this test binary run confined.

use super::*;
use std::os::unix::process::ExitStatusExt;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(std::path::PathBuf);
impl TempDir {
    fn new() -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let (pid, n) = (std::process::id(), N.fetch_add(1, Relaxed));
        let dir = std::env::temp_dir().join(format!("kata-sandbox-{pid}-{n}"));
        std::fs::create_dir_all(&dir).map(|_| TempDir(dir)).unwrap()
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `args` confined to `dir`, with KATA_ALLOWED and KATA_SANDBOX_CHILD=`mode` in its env.
fn confined(args: &[&str], dir: &TempDir, mode: &str, p: &Protections) -> Command {
    let mut command = Command::new(args[0]);
    command.args(&args[1..]).stdin(std::process::Stdio::null());
    let env = [("KATA_ALLOWED", "yes it is"), ("KATA_SANDBOX_CHILD", mode)];
    let env = env.map(|(key, value)| (key.to_string(), value.to_string()));
    let (scratch, program, memory_limit) = (dir.0.as_path(), Path::new(args[0]), 1 << 30);
    let how = Confinement { scratch, program, env: &env, memory_limit };
    confine(&mut command, &how, p).map(|_| command).unwrap()
}

#[test]
fn shell_is_confined() {
    let (p, outside, me) = (Protections::probe(), TempDir::new(), std::process::id());
    std::fs::write(outside.0.join("old"), "original").unwrap();
    // Signals are denied by each mechanism alone too: Landlock's signal scope, and seccomp.
    let (mut landlock_only, mut no_landlock) = (p.clone(), p.clone());
    (landlock_only.no_new_processes, no_landlock.landlock_abi) = (false, None);
    // kill -0 checks the permission to signal and sends nothing; $PPID is this process.
    let kill = format!("kill -0 $PPID||echo no; kill -0 {me}||echo no; kill -0 $$&&echo me");
    #[rustfmt::skip]
    let cases = [
        // (needed, protections, script, its stdout with $SCRATCH for the scratch dir, part of its stderr)
        (p.writes_confined, &p, format!("echo in > in && read l < in && echo $l; echo > /dev/null && echo null; echo > {o}/old || echo no; echo > {o}/new || echo no", o = outside.0.display()), "in\nnull\nno\nno\n", "Permission denied"),
        // `exec` replaces the shell without forking: only Landlock stops it.
        (p.exec_denied, &p, "echo before; exec /bin/true".into(), "before\n", "Permission denied"),
        (p.no_new_processes, &p, "echo start; (echo sub)".into(), "start\n", "Cannot fork"),
        (p.no_new_processes, &p, "echo start; echo a | read x".into(), "start\n", "Cannot fork"),
        (p.signals_confined, &p, kill.clone(), "no\nno\nme\n", "not permitted"),
        (p.landlock_abi >= Some(6), &landlock_only, kill.clone(), "no\nno\nme\n", "not permitted"),
        (p.no_new_processes, &no_landlock, kill, "no\nno\nme\n", "not permitted"),
        (true, &p, "read a < /proc/self/stat && read b < /proc/thread-self/schedstat && echo ok".into(), "ok\n", ""),
        // Only the allowlist and TMPDIR, and the PWD that dash exports itself.
        (true, &p, "export -p".into(), "export KATA_ALLOWED='yes it is'\nexport KATA_SANDBOX_CHILD=''\nexport PWD='$SCRATCH'\nexport TMPDIR='$SCRATCH'\n", ""),
    ];
    for (needed, p, script, stdout, stderr) in cases {
        if !needed {
            eprintln!("skipped, as this machine lacks what it needs: {script}");
            continue;
        }
        let (dir, text) = (TempDir::new(), |bytes| String::from_utf8(bytes).unwrap());
        let mut sh = confined(&["/bin/sh", "-c", &script], &dir, "", p);
        let (out, scratch) = (sh.output().unwrap(), dir.0.to_str().unwrap());
        let got = text(out.stdout).replace(scratch, "$SCRATCH");
        let err = text(out.stderr);
        let expected = got == stdout && err.contains(stderr);
        assert!(expected, "{script}: {got:?} {err:?}, {p:?}");
    }
    let old = std::fs::read_to_string(outside.0.join("old")).unwrap();
    assert!(old == "original" && !outside.0.join("new").exists());
}

#[test]
fn dies_with_the_thread_that_spawned_it() {
    let (dir, p) = (TempDir::new(), Protections::probe());
    let args = ["/bin/sh", "-c", "while :; do :; done"];
    let spawn = || confined(&args, &dir, "", &p).spawn().unwrap();
    let mut child = std::thread::scope(|s| s.spawn(spawn).join().unwrap());
    // The spawning thread has exited: the child must be gone within 5 s.
    let status = (0..500).find_map(|_| {
        std::thread::sleep(std::time::Duration::from_millis(10));
        child.try_wait().unwrap()
    });
    let _ = (child.kill(), child.wait());
    assert_eq!(status.and_then(|s| s.signal()), Some(libc::SIGKILL));
}

#[test]
fn rust_threads_and_abort_work_confined() {
    let p = Protections::probe();
    match std::env::var("KATA_SANDBOX_CHILD").as_deref() {
        Ok("abort") => std::process::abort(),
        Ok("threads") => {
            let threads: Vec<_> = (0..4).map(|i| std::thread::spawn(move || i)).collect();
            let sum: i32 = threads.into_iter().map(|t| t.join().unwrap()).sum();
            let forked = Command::new("/bin/true").status().is_ok();
            // Safety: unshare(0) changes nothing; confined, it is refused (EPERM).
            let unshared = unsafe { libc::unshare(0) } == 0;
            return assert!(sum == 6 && !((forked || unshared) && p.no_new_processes));
        }
        _ => {}
    }
    let exe = std::env::current_exe().unwrap();
    let test = module_path!().split_once("::").unwrap().1; // libtest leaves out the crate
    let test = format!("{test}::rust_threads_and_abort_work_confined");
    for mode in ["threads", "abort"] {
        let (dir, args) = (TempDir::new(), [exe.to_str().unwrap(), "--exact", &test]);
        let out = confined(&args, &dir, mode, &p).output().unwrap();
        let ran = out.status.success();
        let aborted = out.status.signal() == Some(libc::SIGABRT);
        let expected = if mode == "abort" { aborted } else { ran };
        assert!(expected, "{mode}: {out:?}");
    }
}

#[test]
fn probe_and_missing() {
    let p = Protections::probe();
    let landlock = p.landlock_abi.is_some();
    assert!(p.writes_confined == landlock && p.exec_denied == landlock);
    if p.landlock_abi >= Some(6) && p.no_new_processes {
        assert_eq!(p.missing(), Vec::<String>::new(), "{p:?}");
    } else {
        eprintln!("skipped: no Landlock ABI 6 or no seccomp here: {p:?}");
    }
    let mut off = p.clone();
    (off.writes_confined, off.exec_denied) = (false, false);
    (off.signals_confined, off.no_new_processes) = (false, false);
    (off.dies_with_grader, off.memory_limited) = (false, false);
    let missing = off.missing();
    let topics = "writes programs signals processes grader memory".split(' ');
    let each = missing.iter().zip(topics).all(|(line, t)| line.contains(t));
    assert!(missing.len() == 6 && each, "{missing:#?}");
}

#[test]
fn descriptors_kata_inherited_are_not_the_checks() {
    let p = Protections::probe();
    let dir = TempDir::new();
    let outside = TempDir::new();
    let log = std::fs::File::create(outside.0.join("teacher.log")).unwrap();
    // An inheritable duplicate, as a CI script's `7>>log` would hand kata.
    // Safety: dup of a descriptor this test owns; the copy is closed below.
    let fd = unsafe { libc::dup(std::os::fd::AsRawFd::as_raw_fd(&log)) };
    let script = format!("echo leaked >&{fd} || echo closed");
    let out = confined(&["/bin/sh", "-c", &script], &dir, "fds", &p).output().unwrap();
    // Safety: the duplicate made above, closed once.
    unsafe { libc::close(fd) };
    let written = std::fs::read_to_string(outside.0.join("teacher.log")).unwrap();
    assert!(written.is_empty(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "closed\n", "{out:?}");
}

#[test]
fn memory_is_capped_and_no_core_is_dumped() {
    let p = Protections::probe();
    if !p.memory_limited {
        return eprintln!("skipped: no rlimits here");
    }
    let dir = TempDir::new();
    // The shell reports its own address-space limit in KiB (`confined` asks for 1 GiB).
    let out =
        confined(&["/bin/sh", "-c", "ulimit -v; ulimit -c"], &dir, "limits", &p).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1048576\n0\n", "{out:?}");
}
