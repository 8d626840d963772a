//! Confines the process that runs a check, so that learner code (compiled into the checks
//! binary, run as the learner, as root in CI) can harm only its own run. [`confine`] sets up its
//! [`Command`]; [`Protections`] says what this machine can enforce, and what is then off.
//!
//! Everywhere the child gets an empty environment plus an allowlist (no tokens of the learner's
//! shell leak in), in a fresh scratch directory that `TMPDIR` names. On Unix its address space is
//! capped (a runaway allocation fails in the child, not the machine), core dumps are off. On
//! Linux it also dies with the grader thread that spawned it; Landlock lets it write only beneath
//! the scratch directory (and `/dev/null`) and execute only the checks binary and its ELF
//! interpreter, yet read anything (checks read `/proc`, `/sys`, libraries), and from ABI 6 on not
//! signal nor reach abstract Unix sockets outside itself; seccomp (x86_64, aarch64) denies it new
//! processes (not threads), `ptrace`, other processes' memory, and signals to any process but it.

use serde::Serialize;
use std::{io, path::Path, process::Command};

/// The exit code of a confined child whose sandbox could not be set up (it first writes a
/// `kata sandbox: ...` line to its stderr), or whose grader died before it was.
pub const SANDBOX_FAILED_EXIT: i32 = 125;

/// What this machine lets kata enforce on a check's process, probed once (cheap: a few syscalls).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Protections {
    /// `std::env::consts::OS`.
    pub os: &'static str,
    /// The kernel's Landlock ABI version, `None` if Landlock is absent or disabled.
    pub landlock_abi: Option<u32>,
    /// File-system writes only beneath the scratch directory (Landlock).
    pub writes_confined: bool,
    /// No exec of any program but the checks binary (Landlock `Execute` right).
    pub exec_denied: bool,
    /// Cannot signal processes outside itself (Landlock ABI >= 6 signal scope, or seccomp).
    pub signals_confined: bool,
    /// fork, vfork and clone without `CLONE_THREAD` are denied (seccomp).
    pub no_new_processes: bool,
    /// Killed when the grader thread that spawned it dies (`PR_SET_PDEATHSIG`, Linux).
    pub dies_with_grader: bool,
    /// `RLIMIT_AS` is set (Unix).
    pub memory_limited: bool,
}

impl Protections {
    /// Probes this machine on the first call; later calls return the same answer.
    pub fn probe() -> Protections {
        static PROBED: std::sync::OnceLock<Protections> = std::sync::OnceLock::new();
        PROBED.get_or_init(probe_uncached).clone()
    }

    /// One sentence per protection that is off here, saying what learner code could then do.
    pub fn missing(&self) -> Vec<String> {
        #[rustfmt::skip]
        let sentences = [
            (self.writes_confined, "file-system writes are not confined (no Landlock on this system): code under check could change files of the workbook"),
            (self.exec_denied, "running other programs is not denied (no Landlock on this system): code under check could start any program on the machine"),
            (self.signals_confined, "signals are not confined (no Landlock signal scope nor seccomp on this system): code under check could stop or kill the grader and other processes"),
            (self.no_new_processes, "creating processes is not denied (no seccomp filter on this system): code under check could start processes that outlive the check"),
            (self.dies_with_grader, "checks do not die with the grader (no parent-death signal on this system): a check still running when the grader is killed goes on running"),
            (self.memory_limited, "memory is not limited (no address-space limit on this system): code under check could exhaust the machine's memory"),
        ];
        let off = sentences.into_iter().filter(|(on, _)| !on);
        off.map(|(_, sentence)| sentence.to_string()).collect()
    }
}

/// How to confine one check.
pub struct Confinement<'a> {
    /// The check's working directory, created fresh by the caller: the only place it may write.
    pub scratch: &'a Path,
    /// The program that will be exec'd (the checks binary), which alone may be executed.
    pub program: &'a Path,
    /// The child's environment: an EMPTY one plus exactly these and `TMPDIR` = `scratch` (on
    /// Windows also `TEMP`, `TMP`, and the grader's `SystemRoot` and `windir`: sockets need them).
    pub env: &'a [(String, String)],
    /// Address-space limit in bytes (`RLIMIT_AS`); core dumps are turned off too.
    pub memory_limit: u64,
}

/// Configures `cmd` (program and args already set) to run confined as `protections` allows: a
/// fresh environment, `scratch` as working directory, and on Unix a `pre_exec` step that, in this
/// order, asks for `SIGKILL` when the spawning thread dies (exiting if the grader already has),
/// sets the rlimits, sets `PR_SET_NO_NEW_PRIVS`, restricts itself with Landlock and installs the
/// seccomp filter. What allocates or opens paths is done here, in the parent; a step that fails
/// in the child exits it with [`SANDBOX_FAILED_EXIT`]. Errors if Landlock's rules cannot be made.
pub fn confine(cmd: &mut Command, how: &Confinement, protections: &Protections) -> io::Result<()> {
    cmd.env_clear();
    cmd.envs(how.env.iter().map(|(key, value)| (key, value)));
    cmd.env("TMPDIR", how.scratch);
    #[cfg(windows)]
    for (key, value) in ["SystemRoot", "windir"].map(|key| (key, std::env::var_os(key))) {
        cmd.envs(value.map(|value| (key, value)));
    }
    #[cfg(windows)]
    cmd.env("TEMP", how.scratch).env("TMP", how.scratch);
    cmd.current_dir(how.scratch);
    #[cfg(target_os = "linux")]
    linux::confine(cmd, how, protections)?;
    #[cfg(all(unix, not(target_os = "linux")))]
    if protections.memory_limited {
        use std::os::unix::process::CommandExt;
        let bytes = how.memory_limit;
        // Safety: runs between fork and exec: allocates nothing, only async-signal-safe calls.
        unsafe { cmd.pre_exec(move || set_limits_or_exit(bytes)) };
    }
    let _ = protections; // unused on Windows
    Ok(())
}

fn probe_uncached() -> Protections {
    #[cfg(target_os = "linux")]
    let (landlock_abi, seccomp) = (linux::landlock_abi(), linux::seccomp_available());
    #[cfg(not(target_os = "linux"))]
    let (landlock_abi, seccomp) = (None, false);
    Protections {
        os: std::env::consts::OS,
        landlock_abi,
        writes_confined: landlock_abi.is_some(),
        exec_denied: landlock_abi.is_some(),
        signals_confined: landlock_abi >= Some(6) || seccomp,
        no_new_processes: seccomp,
        dies_with_grader: cfg!(target_os = "linux"),
        memory_limited: cfg!(unix),
    }
}

/// Sets `RLIMIT_AS` and `RLIMIT_CORE` = 0; exits the child if the first fails. Async-signal-safe.
#[cfg(unix)]
fn set_limits_or_exit(bytes: u64) -> io::Result<()> {
    for (resource, bytes) in [(libc::RLIMIT_AS, bytes), (libc::RLIMIT_CORE, 0)] {
        let (rlim_cur, rlim_max) = (bytes as libc::rlim_t, bytes as libc::rlim_t);
        // Safety: setrlimit only reads the struct, which lives on this stack frame.
        if unsafe { libc::setrlimit(resource, &libc::rlimit { rlim_cur, rlim_max }) } != 0 {
            fail(b"kata sandbox: could not set the memory limit\n");
        }
    }
    Ok(())
}

/// Writes `message` to stderr and ends the child at once. Async-signal-safe.
#[cfg(unix)]
fn fail(message: &[u8]) -> ! {
    // Safety: write reads a live slice; _exit runs none of the forked grader's exit handlers.
    unsafe {
        libc::write(2, message.as_ptr().cast(), message.len());
        libc::_exit(SANDBOX_FAILED_EXIT)
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use super::{fail, set_limits_or_exit, Confinement, Protections, SANDBOX_FAILED_EXIT};
    use landlock::{AccessFs, BitFlags, CompatLevel, Compatible, PathBeneath, PathFd, Ruleset};
    use landlock::{RulesetAttr, RulesetCreatedAttr, Scope, ABI};
    use libc::{c_ulong, prctl, syscall, PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER};
    use std::os::{fd::AsRawFd, fd::OwnedFd, unix::ffi::OsStringExt, unix::process::CommandExt};
    use std::{ffi::OsString, fs::File, io, io::Read, path::Path, path::PathBuf, process::Command};

    pub(super) fn landlock_abi() -> Option<u32> {
        const VERSION: libc::c_uint = 1; // LANDLOCK_CREATE_RULESET_VERSION
        let create_ruleset = libc::SYS_landlock_create_ruleset;
        // Safety: with no attribute and the VERSION flag, the kernel only returns its ABI version.
        let abi = unsafe { syscall(create_ruleset, 0usize, 0usize, VERSION) };
        u32::try_from(abi).ok().filter(|&abi| abi > 0)
    }

    pub(super) fn seccomp_available() -> bool {
        // Safety: takes no pointer; returns 0 (unfiltered), 2 (filtered: filters stack) or -1.
        let mode = unsafe { prctl(libc::PR_GET_SECCOMP) };
        filter::AUDIT_ARCH.is_some() && (mode == 0 || mode == 2)
    }

    pub(super) fn confine(cmd: &mut Command, how: &Confinement, p: &Protections) -> io::Result<()> {
        // Landlock, when used, confines both writes and exec.
        let used = p.writes_confined || p.exec_denied;
        let abi = p.landlock_abi.filter(|_| used);
        let ruleset = abi.map(|abi| landlock_ruleset(how, p, abi)).transpose()?;
        let mut seccomp = p.no_new_processes.then(filter::build);
        let (grader, dies_with_grader) = (std::process::id() as libc::pid_t, p.dies_with_grader);
        let memory_limit = p.memory_limited.then_some(how.memory_limit);
        let (one, zero): (c_ulong, c_ulong) = (1, 0);
        // Safety: runs between fork and exec: allocates nothing, locks nothing, only makes
        // async-signal-safe calls (prctl, getppid, getpid, setrlimit, syscall, write, _exit).
        unsafe {
            cmd.pre_exec(move || {
                if dies_with_grader {
                    prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as c_ulong);
                    // The grader died before the line above: nothing would kill us.
                    if libc::getppid() != grader {
                        libc::_exit(SANDBOX_FAILED_EXIT);
                    }
                }
                // Descriptors kata itself inherited (a CI script's redirect) are not the
                // check's: all from 3 on close at exec (the result pipe is put on 3 later).
                if syscall(libc::SYS_close_range, 3u32, u32::MAX, CLOSE_RANGE_CLOEXEC) != 0 {
                    for fd in 3..4096 {
                        libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
                    }
                }
                if let Some(bytes) = memory_limit {
                    set_limits_or_exit(bytes)?;
                }
                // Needed by Landlock and seccomp without CAP_SYS_ADMIN; setuid stops working.
                if prctl(PR_SET_NO_NEW_PRIVS, one, zero, zero, zero) != 0 {
                    fail(b"kata sandbox: PR_SET_NO_NEW_PRIVS failed\n");
                }
                if let Some(fd) = &ruleset {
                    if syscall(libc::SYS_landlock_restrict_self, fd.as_raw_fd(), 0u32) != 0 {
                        fail(b"kata sandbox: Landlock restriction failed\n");
                    }
                }
                if let Some((program, pid_slot)) = &mut seccomp {
                    if let Some(instruction) = program.get_mut(*pid_slot) {
                        instruction.k = libc::getpid() as u32;
                    }
                    let (len, filter) = (program.len() as libc::c_ushort, program.as_mut_ptr());
                    let (fprog, mode) = (libc::sock_fprog { len, filter }, SECCOMP_MODE_FILTER);
                    if prctl(PR_SET_SECCOMP, mode as c_ulong, &raw const fprog) != 0 {
                        fail(b"kata sandbox: seccomp filter failed\n");
                    }
                }
                Ok(())
            })
        };
        Ok(())
    }

    /// The Landlock ruleset's fd. Denied unless a rule allows them: the write rights `abi` knows,
    /// and Execute. Network rights are not handled: checks use loopback sockets.
    fn landlock_ruleset(how: &Confinement, p: &Protections, abi: u32) -> io::Result<OwnedFd> {
        let write = AccessFs::from_write(ABI::from(i32::try_from(abi).unwrap_or(i32::MAX)));
        let exec = BitFlags::from(AccessFs::Execute);
        // A rule on a file takes only file rights: /dev/null can be written, not replaced. The
        // kernel opens the program's interpreter for exec as well, checking Execute.
        let mut rules: Vec<(PathBuf, _)> = vec![(how.scratch.into(), write)];
        rules.push(("/dev/null".into(), AccessFs::WriteFile.into()));
        rules.push((how.program.into(), exec));
        rules.extend(elf_interpreter(how.program)?.map(|path| (path, exec)));
        let err = |e: landlock::RulesetError| io::Error::other(format!("Landlock: {e}"));
        // A hard requirement: fail here rather than silently confine less.
        let ruleset = Ruleset::default().set_compatibility(CompatLevel::HardRequirement);
        let mut ruleset = ruleset.handle_access(write | exec).map_err(err)?;
        if abi >= 6 {
            let signal = Some(Scope::Signal).filter(|_| p.signals_confined);
            let scopes = BitFlags::from_iter(signal) | Scope::AbstractUnixSocket;
            ruleset = ruleset.scope(scopes).map_err(err)?;
        }
        let mut created = ruleset.create().map_err(err)?;
        for (path, access) in rules {
            let rule = PathBeneath::new(PathFd::new(path).map_err(io::Error::other)?, access);
            created = created.add_rule(rule).map_err(err)?;
        }
        Option::<OwnedFd>::from(created).ok_or_else(|| io::Error::other("Landlock: no ruleset"))
    }

    /// The PT_INTERP path of an ELF64 program (`None` if static or not ELF64), from its first
    /// 64 KiB: linkers put the program headers and the path at the start.
    pub(super) fn elf_interpreter(program: &Path) -> io::Result<Option<PathBuf>> {
        let mut head = Vec::new();
        File::open(program)?.take(1 << 16).read_to_end(&mut head)?;
        if !head.starts_with(b"\x7fELF\x02") || head.len() < 64 {
            return Ok(None);
        }
        let field = |at: u64, len: usize| -> Option<u64> {
            let bytes = head.get(usize::try_from(at).ok()?..)?.get(..len)?;
            let byte = |i: usize| u64::from(bytes[if head[5] == 1 { len - 1 - i } else { i }]);
            Some((0..len).fold(0, |number, i| (number << 8) | byte(i)))
        };
        let find = || -> Option<Option<PathBuf>> {
            let (phoff, size, count) = (field(32, 8)?, field(54, 2)?, field(56, 2)?);
            let mut headers = (0..count).map(|i| phoff.saturating_add(i * size)); // PT_INTERP: 3
            let Some(interp) = headers.find(|&ph| field(ph, 4) == Some(3)) else {
                return Some(None);
            };
            let offset = usize::try_from(field(interp + 8, 8)?).ok()?;
            let len = usize::try_from(field(interp + 32, 8)?).ok()?;
            let path = head.get(offset..)?.get(..len)?;
            let path = path.split(|&b| b == 0).next()?; // the path ends with a NUL
            Some(Some(PathBuf::from(OsString::from_vec(path.to_vec()))))
        };
        let unread = || io::Error::new(io::ErrorKind::InvalidData, "ELF headers past 64 KiB");
        find().ok_or_else(unread)
    }

    /// `close_range`'s flag: mark close-on-exec instead of closing (Linux 5.11).
    const CLOSE_RANGE_CLOEXEC: u32 = 1 << 2;

    pub(super) mod filter {
        use libc::{sock_filter, BPF_ABS, BPF_JEQ, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_RET};

        #[cfg(target_arch = "x86_64")]
        pub const AUDIT_ARCH: Option<u32> = Some(0xC000_003E);
        #[cfg(target_arch = "aarch64")]
        pub const AUDIT_ARCH: Option<u32> = Some(0xC000_00B7);
        #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
        pub const AUDIT_ARCH: Option<u32> = None;

        /// Denied with EPERM: new processes, reaching other processes but by kill and tgkill, and
        /// running the machine (in CI a check runs as root: no reboot, modules, mounts, clocks).
        #[rustfmt::skip]
        const DENIED: &[libc::c_long] = &[
            #[cfg(target_arch = "x86_64")] libc::SYS_fork,
            #[cfg(target_arch = "x86_64")] libc::SYS_vfork,
            libc::SYS_tkill, libc::SYS_ptrace, libc::SYS_process_vm_readv, libc::SYS_process_vm_writev,
            libc::SYS_pidfd_send_signal, libc::SYS_rt_sigqueueinfo, libc::SYS_rt_tgsigqueueinfo,
            libc::SYS_reboot, libc::SYS_kexec_load, libc::SYS_init_module, libc::SYS_finit_module,
            libc::SYS_delete_module, libc::SYS_mount, libc::SYS_umount2, libc::SYS_pivot_root,
            libc::SYS_chroot, libc::SYS_setns, libc::SYS_unshare, libc::SYS_swapon, libc::SYS_swapoff,
            libc::SYS_sethostname, libc::SYS_setdomainname, libc::SYS_settimeofday,
            libc::SYS_clock_settime, libc::SYS_clock_adjtime, libc::SYS_adjtimex, libc::SYS_bpf,
        ];

        // Offsets in struct seccomp_data of nr, arch, and the low word of args[0] (an int or
        // flags: the kernel reads no more of it). x86_64 and aarch64 Linux are little-endian.
        const NR: u32 = 0;
        const ARCH: u32 = 4;
        const ARG0: u32 = 16;
        // Jump targets, as positions in the tail after the list of syscalls; NEXT falls through.
        const NEXT: usize = usize::MAX;
        const CLONE_CHECK: usize = 0;
        const PID_CHECK: usize = 2;
        const ALLOW: usize = 4;
        const EPERM: usize = 5;
        const ENOSYS: usize = 6;

        /// The filter, and the index of the `k` the child sets to its pid: kill and tgkill may target
        /// only itself (a check that aborts must still die of the SIGABRT it sends with tgkill).
        pub fn build() -> (Vec<sock_filter>, usize) {
            let (ld, jeq) = (BPF_LD | BPF_ABS, BPF_JMP | BPF_JEQ | BPF_K); // BPF_W is 0
            let (jset, ret) = (BPF_JMP | BPF_JSET | BPF_K, BPF_RET | BPF_K);
            let errno = |errno: i32| libc::SECCOMP_RET_ERRNO | errno as u32;
            let mut code = vec![
                // Syscall numbers of another arch mean other calls: deny them all.
                (ld, ARCH, NEXT, NEXT),
                (jeq, AUDIT_ARCH.unwrap_or(0), NEXT, EPERM),
                (ld, NR, NEXT, NEXT),
            ];
            if cfg!(target_arch = "x86_64") {
                code.push((jset, 0x4000_0000, EPERM, NEXT)); // the x32 ABI's numbers
            }
            code.extend(DENIED.iter().map(|&sys| (jeq, sys as u32, EPERM, NEXT)));
            code.extend([
                // ENOSYS, not EPERM, makes glibc fall back to clone for threads.
                (jeq, libc::SYS_clone3 as u32, ENOSYS, NEXT),
                (jeq, libc::SYS_clone as u32, CLONE_CHECK, NEXT),
                (jeq, libc::SYS_kill as u32, PID_CHECK, NEXT),
                (jeq, libc::SYS_tgkill as u32, PID_CHECK, NEXT),
                (ret, libc::SECCOMP_RET_ALLOW, NEXT, NEXT),
            ]);
            let tail = code.len();
            code.extend([
                // CLONE_CHECK: args[0] is clone's flags; allow threads only.
                (ld, ARG0, NEXT, NEXT),
                (jset, libc::CLONE_THREAD as u32, ALLOW, EPERM),
                // PID_CHECK: args[0] is kill's pid or tgkill's tgid; 0 until the child sets it.
                (ld, ARG0, NEXT, NEXT),
                (jeq, 0, ALLOW, EPERM),
                (ret, libc::SECCOMP_RET_ALLOW, NEXT, NEXT),
                (ret, errno(libc::EPERM), NEXT, NEXT),
                (ret, errno(libc::ENOSYS), NEXT, NEXT),
            ]);
            // Classic BPF jumps only forward, by an offset from the next instruction.
            let offset = |at: usize, target: usize| match target {
                NEXT => 0,
                _ => u8::try_from(tail + target - at - 1).expect("seccomp jumps are short"),
            };
            let mut program = Vec::with_capacity(code.len());
            for (at, &(op, k, jt, jf)) in code.iter().enumerate() {
                let (code, jt, jf) = (op as u16, offset(at, jt), offset(at, jf));
                program.push(sock_filter { code, jt, jf, k });
            }
            (program, tail + PID_CHECK + 1)
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests;
