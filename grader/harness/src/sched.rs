//! What the OS says of one thread's time: on a core, or ready to run but
//! waiting for one. Where a check only sees wall-clock time, a busy machine
//! and a blocked thread look alike; these two counters tell them apart.

use std::time::Duration;

/// How long a run that never ended is watched to tell a computing thread
/// from a blocked one.
pub const LOOK: Duration = Duration::from_millis(200);

/// What the OS says of one thread's time so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sched {
    /// On a core, running.
    pub ran: Duration,
    /// Ready to run but waiting for a core (in the OS's run queue): the time
    /// a busy machine takes from a thread, which no fault of the code
    /// explains.
    pub queued: Duration,
}

/// One thread's [`Sched`] times, readable from any thread. Linux says
/// (`/proc/thread-self/schedstat`, opened by the thread itself); elsewhere
/// [`SchedClock::read`] is `None`.
#[derive(Debug)]
pub struct SchedClock {
    #[cfg(target_os = "linux")]
    file: Option<std::fs::File>,
    /// `/proc/thread-self/stat`, for the thread's state (running or ready,
    /// sleeping, ...).
    #[cfg(target_os = "linux")]
    stat: Option<std::fs::File>,
}

impl SchedClock {
    /// The clock of the calling thread (it may then be read from any thread).
    pub fn this_thread() -> SchedClock {
        SchedClock {
            #[cfg(target_os = "linux")]
            file: std::fs::File::open("/proc/thread-self/schedstat").ok(),
            #[cfg(target_os = "linux")]
            stat: std::fs::File::open("/proc/thread-self/stat").ok(),
        }
    }

    /// The thread's times so far, if the system says.
    pub fn read(&self) -> Option<Sched> {
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::fs::FileExt;
            // "<ns on a core> <ns waiting for one> <timeslices>"
            let mut buf = [0u8; 96];
            let n = self.file.as_ref()?.read_at(&mut buf, 0).ok()?;
            let text = std::str::from_utf8(&buf[..n]).ok()?;
            let mut fields = text.split_whitespace().map(str::parse::<u64>);
            let ran = fields.next()?.ok()?;
            let queued = fields.next()?.ok()?;
            Some(Sched { ran: Duration::from_nanos(ran), queued: Duration::from_nanos(queued) })
        }
        #[cfg(not(target_os = "linux"))]
        None
    }

    /// How long the thread waited for a core so far, if the system says.
    pub fn queued(&self) -> Option<Duration> {
        self.read().map(|s| s.queued)
    }

    /// Whether the thread is running or ready to run right now (state `R`),
    /// if the system says.
    pub fn runnable(&self) -> Option<bool> {
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::fs::FileExt;
            // "<tid> (<name>) <state> ...": the name may hold spaces and
            // parentheses, so the state is the first field after the last ')'.
            let mut buf = [0u8; 512];
            let n = self.stat.as_ref()?.read_at(&mut buf, 0).ok()?;
            let text = std::str::from_utf8(&buf[..n]).ok()?;
            let state = text.rsplit_once(')')?.1.split_whitespace().next()?;
            Some(state == "R")
        }
        #[cfg(not(target_os = "linux"))]
        None
    }
}

/// What a thread did over a short look ([`SchedClock::look`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Look {
    pub length: Duration,
    /// Time on a core.
    pub ran: Duration,
    /// Time on a core or waiting for one: all the time it wanted the CPU.
    /// (The wait it is in at the end is not counted yet: the system adds a
    /// wait when it ends.)
    pub wanted: Duration,
    /// How many of the looks at its state found it running or ready to
    /// run, of how many.
    pub runnable: usize,
    pub samples: usize,
}

impl Look {
    /// It wanted the CPU for half the look or more, or was found running or
    /// ready to run at half the looks: computing, however busy the machine
    /// (a blocked thread wants none, and is found sleeping).
    pub fn computing(&self) -> bool {
        self.wanted >= self.length / 2 || (self.samples > 0 && self.runnable * 2 >= self.samples)
    }
}

impl SchedClock {
    /// Watches the thread for `length` (sleeping meanwhile), if the system
    /// says.
    pub fn look(&self, length: Duration) -> Option<Look> {
        const SAMPLES: u32 = 10;
        let before = self.read()?;
        let mut runnable = 0;
        let mut samples = 0;
        for _ in 0..SAMPLES {
            std::thread::sleep(length / SAMPLES);
            if let Some(r) = self.runnable() {
                samples += 1;
                runnable += usize::from(r);
            }
        }
        let after = self.read()?;
        let ran = after.ran.saturating_sub(before.ran);
        Some(Look {
            length,
            ran,
            wanted: ran + after.queued.saturating_sub(before.queued),
            runnable,
            samples,
        })
    }
}

/// How many of the process's threads, the calling one aside, are running or
/// ready to run (wanting a core) right now, if the system says (Linux:
/// `/proc/self/task`).
pub fn others_runnable() -> Option<usize> {
    #[cfg(target_os = "linux")]
    {
        // "/proc/thread-self" links to "<pid>/task/<tid>".
        let me = std::fs::read_link("/proc/thread-self").ok()?;
        let me = me.file_name()?.to_owned();
        let mut runnable = 0;
        for entry in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
            let clock = SchedClock {
                file: None,
                stat: std::fs::File::open(entry.path().join("stat")).ok(),
            };
            // A thread that ended meanwhile has no state to read.
            if entry.file_name() != me && clock.runnable() == Some(true) {
                runnable += 1;
            }
        }
        Some(runnable)
    }
    #[cfg(not(target_os = "linux"))]
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spinning_thread_is_computing_and_a_parked_one_is_not() {
        let probe = SchedClock::this_thread();
        if probe.read().is_none() {
            return; // not Linux: nothing to read
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let spin_stop = std::sync::Arc::clone(&stop);
        let spinner = std::thread::spawn(move || {
            tx.send(SchedClock::this_thread()).unwrap();
            while !spin_stop.load(std::sync::atomic::Ordering::Relaxed) {
                std::hint::spin_loop();
            }
        });
        let clock = rx.recv().unwrap();
        let spinning = clock.look(Duration::from_millis(100)).unwrap();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        spinner.join().unwrap();
        assert!(spinning.computing(), "{spinning:?}");

        let (tx, rx) = std::sync::mpsc::channel();
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        let waiter = std::thread::spawn(move || {
            tx.send(SchedClock::this_thread()).unwrap();
            let _ = done_rx.recv();
        });
        let clock = rx.recv().unwrap();
        let waiting = clock.look(Duration::from_millis(100)).unwrap();
        drop(done_tx);
        waiter.join().unwrap();
        assert!(!waiting.computing(), "{waiting:?}");
    }
}
