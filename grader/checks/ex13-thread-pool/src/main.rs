//! The hidden checks of ex13 · A thread pool of your own.
//!
//! Every job is the check's own and instrumented: it counts how many jobs run
//! at once, on which threads, and when those threads end. Nothing the pool
//! reports is trusted, and nothing waits on a sleep: jobs that must overlap
//! wait for each other (with a deadline), and the check waits on counters.
//! Sleeps only make jobs take time.

use kata_harness::measure::{Gauge, Meeting, Threads};
use kata_harness::panicking;
use kata_harness::protocol::human_duration;
use kata_harness::{ensure, fail, pass, staged, step_limit, Step, Verdict};
use std::cell::RefCell;
use std::panic;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

kata_harness::exercise!(ThreadPool);

/// How long jobs that must run together wait for each other (2 s with
/// kata.toml's 10).
fn patience() -> Duration {
    step_limit() / 4
}

const NEW: Step = (
    "ThreadPool::new",
    "new should start the workers and return; does it join them, or wait for something that never comes?",
);
const EXECUTE: Step = (
    "giving the pool its jobs with execute",
    "execute should queue the job and return at once; does it wait for a free worker, or for the job to finish?",
);
const DROP: Step = (
    "dropping the pool",
    "does Drop join workers that never stop? Drop the Sender first, so that each worker's recv() fails once the queue is empty, then join them.",
);

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        "runs-in-parallel" => runs_in_parallel,
            "a pool of 4 runs 4 jobs at the same time";
        "all-jobs-done-by-drop" => all_jobs_done_by_drop,
            "when drop returns, all 100 queued jobs have run";
        "workers-joined" => workers_joined,
            "when drop returns, every worker thread has ended";
        "survives-panicking-jobs" => survives_panicking_jobs,
            "after 2 jobs panic, a pool of 2 still runs 2 jobs at once";
        "at-most-size-threads" => at_most_size_threads,
            "30 jobs on a pool of 3 run on at most 3 threads, and on more than 1";
        "new-zero-panics" => new_zero_panics,
            "ThreadPool::new(0) panics";
        "execute-returns-at-once" => execute_returns_at_once,
            "with both workers of a pool of 2 busy, execute still queues 20 more jobs and returns";
        "no-job-waits-for-a-busy-worker" => no_job_waits_for_a_busy_worker,
            "one worker of a pool of 4 held busy: the other 3 run the next 12 jobs";
        "idle-workers-sleep" => idle_workers_sleep,
            "a pool of 4 with no jobs uses almost no CPU: idle workers block, they do not poll";
    })
}

fn runs_in_parallel() -> Verdict {
    let gauge = Arc::new(Gauge::new());
    let meeting = Meeting::new(patience());
    let (g, m) = (Arc::clone(&gauge), Arc::clone(&meeting));
    staged(step_limit(), move |steps| {
        steps.begin(NEW);
        let pool = ThreadPool::new(4);
        steps.begin(EXECUTE);
        for _ in 0..4 {
            let (gauge, meeting) = (Arc::clone(&g), Arc::clone(&m));
            pool.execute(move || {
                let _inside = gauge.enter();
                meeting.meet(4);
            });
        }
        m.wait_for(4);
        leak(pool);
    })?;
    let peak = gauge.peak();
    ensure(peak == 4, || {
        fail(format!(
            "at most {peak} of the 4 jobs ran at the same time on a pool of 4 (each job waited up to {} \
             for the other 3, which only a pool running them at once can satisfy). The classic cause: \
             running the job while still holding the queue's lock. In \
             `while let Ok(job) = receiver.lock().unwrap().recv() {{ job() }}` the guard lives until the \
             end of the loop body, so no other worker can take a job until this one has finished. Take \
             the job in a `let` statement of its own, `let job = receiver.lock().unwrap().recv();`, so \
             that the guard is dropped at the `;`, and run the job after that. (Starting fewer than \
             `size` workers shows up here too.)",
            human_duration(patience())
        ))
        .figure("jobs running at once", peak, "== 4")
    })?;
    Ok(pass("4 jobs ran at the same time on a pool of 4").figure(
        "jobs running at once",
        peak,
        "== 4",
    ))
}

fn all_jobs_done_by_drop() -> Verdict {
    let done = Arc::new(AtomicUsize::new(0));
    let at_drop = staged(step_limit(), move |steps| {
        steps.begin(NEW);
        let pool = ThreadPool::new(4);
        steps.begin(EXECUTE);
        for i in 0..100u64 {
            let done = Arc::clone(&done);
            pool.execute(move || {
                thread::sleep(Duration::from_millis(1 + i % 5));
                // Ordering: SeqCst, and the join in Drop orders it before the
                // load below anyway.
                done.fetch_add(1, Ordering::SeqCst);
            });
        }
        steps.begin(DROP);
        drop(pool);
        done.load(Ordering::SeqCst)
    })?;
    ensure(at_drop == 100, || {
        fail(format!(
            "only {at_drop} of the 100 queued jobs had run when drop returned: shutting the pool down \
             must finish the queue, not throw it away. Close the queue by dropping the Sender (a \
             worker's recv() still hands out every queued job and fails only once the queue is \
             empty) rather than telling the workers to stop at once, and join every worker before \
             drop returns."
        ))
        .figure("jobs run when drop returned", at_drop, "== 100")
    })?;
    Ok(pass("all 100 jobs had run when drop returned").figure(
        "jobs run when drop returned",
        at_drop,
        "== 100",
    ))
}

/// Counts a thread's end: a job puts one in its worker's thread-local slot,
/// and the slot is dropped when the worker thread exits, before `join` on it
/// can return.
struct ExitMark(Arc<AtomicUsize>);

impl Drop for ExitMark {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

thread_local! {
    static EXIT_MARK: RefCell<Option<ExitMark>> = const { RefCell::new(None) };
}

fn workers_joined() -> Verdict {
    let exited = Arc::new(AtomicUsize::new(0));
    let workers = Arc::new(Threads::new());
    let last_started = Meeting::new(patience());
    let (e, w) = (Arc::clone(&exited), Arc::clone(&workers));
    let (started, ran, ended) = staged(step_limit(), move |steps| {
        steps.begin(NEW);
        let pool = ThreadPool::new(3);
        steps.begin(EXECUTE);
        for i in 0..7 {
            let (exited, workers, last_started) =
                (Arc::clone(&e), Arc::clone(&w), Arc::clone(&last_started));
            pool.execute(move || {
                workers.record();
                EXIT_MARK.with(|slot| {
                    let mut slot = slot.borrow_mut();
                    if slot.is_none() {
                        *slot = Some(ExitMark(exited));
                    }
                });
                if i == 6 {
                    // The last job outlasts a Drop that does not join: such a
                    // Drop returns while this worker is still in here.
                    last_started.add();
                    thread::sleep(Duration::from_millis(250));
                } else {
                    thread::sleep(Duration::from_millis(5));
                }
            });
        }
        let started = last_started.wait_for(1);
        steps.begin(DROP);
        drop(pool);
        (started, w.count(), e.load(Ordering::SeqCst))
    })?;
    ensure(started == 1, || {
        fail(format!(
            "the last of 7 jobs on a pool of 3 had not started after {}: are the workers taking \
             jobs from the queue?",
            human_duration(patience())
        ))
    })?;
    ensure(ended == ran, || {
        fail(format!(
            "drop returned while workers were still running: of the {ran} worker threads that ran \
             jobs, {ended} had ended (at least one was still in a 250 ms job). Keep every worker's JoinHandle \
             and join each one in drop, after closing the queue."
        ))
        .figure(
            "worker threads ended when drop returned",
            ended,
            format!("== {ran}, the workers that ran jobs"),
        )
    })?;
    Ok(pass("every worker thread had ended when drop returned").figure(
        "worker threads ended when drop returned",
        ended,
        format!("== {ran}, the workers that ran jobs"),
    ))
}

fn survives_panicking_jobs() -> Verdict {
    panicking::quiet_deliberate_panics();
    let meeting = Meeting::new(patience());
    let m = Arc::clone(&meeting);
    let met = staged(step_limit(), move |steps| {
        steps.begin(NEW);
        let pool = ThreadPool::new(2);
        steps.begin(EXECUTE);
        for _ in 0..2 {
            pool.execute(|| panicking::deliberate_panic());
        }
        for _ in 0..2 {
            let meeting = Arc::clone(&m);
            pool.execute(move || {
                meeting.meet(2);
            });
        }
        let met = m.wait_for(2);
        // A pool whose workers died can fail again in its Drop (the Rust
        // book's Drop unwraps `join`, which returns the worker's panic), and
        // that second failure would hide this one: the pool is leaked.
        leak(pool);
        met
    })?;
    ensure(met > 0, || {
        fail(
            "a panic in a job killed its worker: after 2 panics your pool ran 0 of 2 jobs; catch it \
             with std::panic::catch_unwind (AssertUnwindSafe) around the job, so that the worker \
             lives on to take the next one.",
        )
        .figure("jobs run after the panics", met, "== 2, at once")
    })?;
    ensure(met == 2, || {
        fail(format!(
            "after 2 panics only {met} of 2 jobs could run at once on a pool of 2: a panic cost the \
             pool a worker (or the pool runs one job at a time: see runs-in-parallel). Catch each \
             job's panic with std::panic::catch_unwind (AssertUnwindSafe) around the job, so every \
             worker survives it."
        ))
        .figure("jobs run after the panics", met, "== 2, at once")
    })?;
    Ok(pass("after 2 panics, both workers still ran jobs").figure(
        "jobs run after the panics",
        met,
        "== 2, at once",
    ))
}

fn at_most_size_threads() -> Verdict {
    let threads = Arc::new(Threads::new());
    // 3 s with kata.toml's 10: 30 jobs of 5 ms on 3 workers take 50 ms.
    let waited = step_limit() * 3 / 8;
    let done = Meeting::new(waited);
    let t = Arc::clone(&threads);
    let (ran, caller_ran) = staged(step_limit(), move |steps| {
        steps.begin(NEW);
        let pool = ThreadPool::new(3);
        steps.begin(EXECUTE);
        for _ in 0..30 {
            let (threads, done) = (Arc::clone(&t), Arc::clone(&done));
            pool.execute(move || {
                threads.record();
                thread::sleep(Duration::from_millis(5));
                done.add();
            });
        }
        let ran = done.wait_for(30);
        leak(pool);
        (ran, t.contains(thread::current().id()))
    })?;
    ensure(ran == 30, || {
        fail(format!(
            "only {ran} of 30 jobs of 5 ms had run after {} on a pool of 3: are the workers taking \
             every job from the queue?",
            human_duration(waited)
        ))
        .figure("jobs run", ran, "== 30")
    })?;
    ensure(!caller_ran, || {
        fail(
            "execute ran a job itself, on the thread that called it: execute must only queue the \
             job and return, and a worker runs it.",
        )
    })?;
    let distinct = threads.count();
    ensure(distinct <= 3, || {
        fail(format!(
            "the 30 jobs ran on {distinct} different threads, but the pool has 3: that's not a pool. \
             Start `size` workers once, in `new`, and have `execute` only queue the job for them; \
             a new thread per job is exactly the cost a pool exists to avoid."
        ))
        .figure("threads that ran jobs", distinct, "<= 3")
    })?;
    ensure(distinct >= 2, || {
        fail(
            "all 30 jobs ran on one worker of a pool of 3: the jobs were not spread over the \
             workers. Does one worker keep the queue's lock while it runs a job (see \
             runs-in-parallel)?",
        )
        .figure("threads that ran jobs", distinct, ">= 2")
    })?;
    Ok(pass("30 jobs ran on the pool's own threads").figure(
        "threads that ran jobs",
        distinct,
        "2 to 3",
    ))
}

/// The contract: execute "queues `f` to run on one of the workers, and
/// returns at once". Two jobs keep both workers busy until the check has
/// queued 20 more (or, if it cannot, until their patience runs out): an
/// execute that waits for a free worker (a rendezvous or a short bounded
/// queue) returns only once they gave up.
fn execute_returns_at_once() -> Verdict {
    let (release, done) = (Meeting::new(patience()), Meeting::new(step_limit() / 2));
    let (r, d) = (Arc::clone(&release), Arc::clone(&done));
    let (released, finished) = staged(step_limit(), move |steps| {
        steps.begin(NEW);
        let pool = ThreadPool::new(2);
        steps.begin(EXECUTE);
        let released = Arc::new(AtomicUsize::new(0));
        for _ in 0..2 {
            let (release, done, released) = (Arc::clone(&r), Arc::clone(&d), Arc::clone(&released));
            pool.execute(move || {
                // Ordering: SeqCst, read after `done` was met.
                released.fetch_add(release.wait_for(1), Ordering::SeqCst);
                done.add();
            });
        }
        for _ in 0..20 {
            let done = Arc::clone(&d);
            pool.execute(move || done.add());
        }
        r.add();
        let finished = d.wait_for(22);
        leak(pool);
        (released.load(Ordering::SeqCst), finished)
    })?;
    ensure(released == 2, || {
        fail(format!(
            "with both workers busy, execute did not return until a busy job gave up waiting ({}): \
             execute waited for a free worker. It must only queue the job and return at once, \
             whatever the workers are doing: use an unbounded channel (`mpsc::channel()`), not a \
             rendezvous or a short bounded one (`sync_channel`).",
            human_duration(patience())
        ))
        .figure("busy jobs that saw all 22 queued", released, "== 2")
    })?;
    ensure(finished == 22, || {
        fail(format!(
            "only {finished} of 22 jobs had run after {}: are the workers taking every job from the queue?",
            human_duration(step_limit() / 2)
        ))
    })?;
    Ok(pass("20 jobs queued while both workers were busy, and every execute returned at once"))
}

/// One job holds its worker until the check lets it go; meanwhile the other
/// three workers must run every job queued after it. A queue per worker
/// (jobs dealt out in turn) leaves some behind the busy one.
fn no_job_waits_for_a_busy_worker() -> Verdict {
    // The held job outwaits the check's patience: only the check lets it go.
    let (release, done) = (Meeting::new(step_limit() / 2), Meeting::new(patience()));
    let (r, d) = (Arc::clone(&release), Arc::clone(&done));
    let ran = staged(step_limit(), move |steps| {
        steps.begin(NEW);
        let pool = ThreadPool::new(4);
        steps.begin(EXECUTE);
        let (held, started) = (Arc::clone(&r), Meeting::new(patience()));
        let begun = Arc::clone(&started);
        pool.execute(move || {
            begun.add();
            held.wait_for(1);
        });
        started.wait_for(1);
        for _ in 0..12 {
            let done = Arc::clone(&d);
            pool.execute(move || done.add());
        }
        let ran = d.wait_for(12);
        r.add();
        leak(pool);
        ran
    })?;
    ensure(ran == 12, || {
        fail(format!(
            "with one worker of a pool of 4 held busy by a long job, only {ran} of the next 12 jobs \
             ran in {} though 3 workers were free: the others waited behind the busy worker. A \
             queue per worker, with the jobs dealt out in turn, leaves jobs behind a slow one \
             while other workers idle. Give all the workers one shared queue (the `Receiver` \
             behind an `Arc<Mutex<_>>`), so that whichever worker is free takes the next job.",
            human_duration(patience())
        ))
        .figure("jobs run while one worker was busy", ran, "== 12")
    })?;
    Ok(pass("with one worker busy, the other 3 ran all 12 jobs queued after it"))
}

/// A pool with nothing to do: its workers should be blocked in `recv`, so
/// the whole process uses (almost) no CPU while the check sleeps.
fn idle_workers_sleep() -> Verdict {
    const IDLE: Duration = Duration::from_millis(300);
    let started = Meeting::new(patience());
    let s = Arc::clone(&started);
    let idle = staged(step_limit(), move |steps| {
        steps.begin(NEW);
        let pool = ThreadPool::new(4);
        steps.begin(EXECUTE);
        for _ in 0..4 {
            let started = Arc::clone(&s);
            pool.execute(move || started.add());
        }
        s.wait_for(4);
        // Every worker is up and the jobs are done: from here on, idle.
        thread::sleep(Duration::from_millis(50));
        let idle = kata_harness::waiting::watch_idle(IDLE);
        leak(pool);
        idle
    })?;
    kata_harness::waiting::judge_idle(
        Some(idle),
        "a pool of 4 with no jobs",
        "Idle workers should sleep in `recv()`, which blocks until a job comes or the queue \
         closes; a loop on `try_recv()` (with `yield_now`, a short sleep or nothing) polls the \
         queue and burns a core for as long as the pool lives.",
    )
}

fn new_zero_panics() -> Verdict {
    let zero_panicked = staged(step_limit(), |steps| {
        steps.begin(("ThreadPool::new(1)", NEW.1));
        leak(ThreadPool::new(1));
        steps.begin(("ThreadPool::new(0)", NEW.1));
        match panic::catch_unwind(|| ThreadPool::new(0)) {
            Ok(pool) => {
                leak(pool);
                false
            }
            Err(_) => true,
        }
    })?;
    ensure(zero_panicked, || {
        fail(
            "ThreadPool::new(0) returned a pool: a pool with no workers would accept every job and \
             never run one. Begin `new` with `assert!(size > 0)`.",
        )
    })?;
    Ok(pass("ThreadPool::new(0) panics"))
}

/// Keeps a pool from being dropped. A check that judges something other than
/// shutdown leaks its pool, so that a broken `Drop` (judged by
/// all-jobs-done-by-drop and workers-joined) cannot hide what this check
/// found. The check's process ends right after its verdict, taking the idle
/// workers with it.
fn leak(pool: ThreadPool) {
    std::mem::forget(pool);
}
