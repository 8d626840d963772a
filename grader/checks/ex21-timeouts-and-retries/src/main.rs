//! The hidden checks of ex21 · Timeouts and retries, on tokio's paused clock.
//! `attempt` builds jobs of the harness's [`Group`] (each notes when it took and released its
//! "connection", and whether it had finished); `jitter` notes what it was asked. 10 s (virtual)
//! after the call or its drop, that is held to the policy's schedule ([`model`]).

use kata_harness::group::{diverges, noting, times, Divergence, Group, Life};
use kata_harness::panicking::{is_todo, panic_text};
use kata_harness::protocol::human_duration as hd;
use kata_harness::service::run_paused;
use kata_harness::{ensure, fail, ms, pass, Outcome, Verdict};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::time::Duration;
use target::{Failure, Policy, RetryError};

kata_harness::exercise!(fetch_with_retry);

const REAL_LIMIT: Duration = Duration::from_secs(3);
const AFTER: Duration = Duration::from_secs(10);

fn main() -> std::process::ExitCode {
    kata_harness::main(&kata_harness::checks! {
        "schedule" => schedule,
            "5 attempts, fast and slow failures, a late success, a success on the last: each starts at its instant";
        "cap-and-jitter" => cap_and_jitter,
            "the delay doubles from base, stops at cap; jitter asked once per wait, its answer is the wait";
        "timeouts-drop" => timeouts_drop,
            "an attempt still running at per_try is dropped there; the last failure is returned at once";
        "permanent-at-once" => permanent_at_once,
            "a Permanent failure returns at its instant: no more attempts, no wait";
        "edges" => edges,
            "attempts 0 and 1, base zero, cap below base, 40 attempts without overflow";
        "caller-cancels" => caller_cancels,
            "a call dropped mid-attempt or mid-backoff releases its attempt then and starts no more";
    })
}

/// How the check's attempt `n` ends.
type Does = fn(u32) -> Result<String, Failure>;
const SUCCEEDS: Does = |n| Ok(format!("body of attempt {n}"));
const FAILS: Does = |n| Err(Failure::Transient(format!("503 on attempt {n}")));
const FATAL: Does = |n| Err(Failure::Permanent(format!("404 on attempt {n}")));
const SAYS_TIMED_OUT: Does = |_| Err(Failure::TimedOut);
/// Said when a wait that was due did not happen at all.
const BLOCKED: &str = " No wait at all: std::thread::sleep does not move tokio's clock (and it blocks every task): use tokio::time::sleep(d).await.";
const SPAWNED: &str =
    "(is the loop or the attempt a spawned task? dropping its JoinHandle does not stop it)";
/// Hangs: far longer than any `per_try` here.
const HANG: u64 = 3_600_000;

/// One scenario: the policy, each attempt's latency (ms) and ending (the last
/// repeats), the jitter rule, and when the check drops the call (if it does).
struct Case {
    what: &'static str,
    policy: Policy,
    steps: Vec<(u64, Does)>,
    jitter: fn(usize, Duration) -> Duration,
    drop_at: Option<Duration>,
}

/// A case: `what`, `[attempts, base, cap, per_try]` (ms), the steps; no jitter, no drop.
fn case(what: &'static str, p: [u64; 4], steps: &[(u64, Does)]) -> Case {
    let policy = Policy { attempts: p[0] as u32, base: ms(p[1]), cap: ms(p[2]), per_try: ms(p[3]) };
    Case { what, policy, steps: steps.to_vec(), jitter: |_, d| d, drop_at: None }
}

impl Case {
    fn jitter(self, jitter: fn(usize, Duration) -> Duration) -> Case {
        Case { jitter, ..self }
    }
    fn dropped_at(self, at: u64) -> Case {
        Case { drop_at: Some(ms(at)), ..self }
    }
}

fn step(steps: &[(u64, Does)], n: u32) -> (u64, Does) {
    steps[(n.max(1) as usize).min(steps.len()) - 1]
}

/// What the jobs and the jitter saw of one call (or, from [`model`], should see).
struct Tried {
    result: Option<Result<String, RetryError>>,
    returned: Duration,
    lives: Vec<Life>,
    asked: Vec<Duration>,
}

fn tried(case: &Case) -> Result<Tried, Outcome> {
    let (policy, jitter, drop_at, steps) =
        (case.policy, case.jitter, case.drop_at, case.steps.clone());
    let run = run_paused(REAL_LIMIT, case.what, move || async move {
        let (group, (jitter, asked)) = (Group::new(), noting(jitter));
        let fake = group.clone();
        let attempt = move |n| {
            let (latency, does) = step(&steps, n);
            fake.labelled(n, ms(latency), move || does(n))
        };
        let call = fetch_with_retry(policy, jitter, attempt);
        let result = match drop_at {
            None => Some(call.await),
            Some(at) => tokio::time::timeout(at, call).await.ok(),
        };
        let returned = group.now();
        tokio::time::sleep(AFTER).await;
        let asked = asked.lock().unwrap().clone();
        Tried { result, returned, lives: group.lives(), asked }
    })?;
    Ok(run.value)
}

/// What the policy gives for a case: each attempt's life (label, start, end,
/// finished or dropped), the result (`None`: the check drops the call first),
/// when the call returns, and what jitter is asked.
fn model(case: &Case) -> Tried {
    let p = case.policy;
    let (mut t, mut delay, mut lives, mut asked) = (ms(0), p.base.min(p.cap), vec![], vec![]);
    let (mut n, mut asked_at) = (1, Vec::new());
    let result = loop {
        let (latency, does) = step(&case.steps, n);
        // A tie with a deadline or the drop is not judged (the contract is silent): no case has one.
        assert!(ms(latency) != p.per_try, "{}: a latency equal to per_try", case.what);
        let timed_out = ms(latency) > p.per_try;
        let taken = t;
        t += if timed_out { p.per_try } else { ms(latency) };
        lives.push(Life { label: n, taken, released: Some(t), finished: !timed_out });
        let failure = match (timed_out, does(n)) {
            (true, _) => Failure::TimedOut,
            (false, Ok(body)) => break Ok(body),
            (false, Err(f)) => f,
        };
        if matches!(failure, Failure::Permanent(_)) || n >= p.attempts.max(1) {
            break Err(RetryError { attempts: n, last: failure });
        }
        asked.push(delay);
        asked_at.push(t);
        t += (case.jitter)(asked.len() - 1, delay);
        delay = delay.saturating_mul(2).min(p.cap);
        n += 1;
    };
    let Some(at) = case.drop_at else {
        return Tried { lives, result: Some(result), returned: t, asked };
    };
    let tie = lives.iter().any(|l| l.taken == at || l.released == Some(at));
    assert!(!tie, "{}: the drop falls on an instant of the schedule", case.what);
    lives.retain(|l| l.taken < at);
    for l in lives.iter_mut().filter(|l| l.released > Some(at)) {
        (l.released, l.finished) = (Some(at), false);
    }
    asked.truncate(asked_at.iter().filter(|&&t| t < at).count());
    Tried { lives, result: None, returned: at, asked }
}

/// Runs `case` and holds what the jobs and the jitter saw to the policy.
fn judge(case: &Case) -> Result<Tried, Outcome> {
    let (got, due) = (tried(case)?, model(case));
    let (p, what, dropped) = (case.policy, case.what, case.drop_at.is_some());
    let (attempts, waits) = (due.lives.len(), due.asked.len());
    let first_on_time = got.lives.first().is_none_or(|l| l.taken.is_zero());
    let asked_ = |g: Duration| format!("it was asked {}", hd(g));
    if let Some(i) =
        (0..waits.min(got.asked.len())).find(|&i| got.asked[i] != due.asked[i] && first_on_time)
    {
        let (w, g) = (due.asked[i], got.asked[i]);
        let why = match g {
            g if g > p.cap => format!("{}, above the cap ({}): cap every delay", asked_(g), hd(p.cap)),
            g if g == w * 2 => format!("{}, twice that: the first wait is base, not 2 × base", asked_(g)),
            g if i > 0 && g == (case.jitter)(i - 1, due.asked[i - 1]) * 2 => format!("{}: that doubles the jittered wait; double the delay itself, and jitter each one apart", asked_(g)),
            g => format!("{}: the delay starts at base ({}), doubles after each wait and stops at cap ({})", asked_(g), hd(p.base), hd(p.cap)),
        };
        return Err(fail(format!(
            "{what}: jitter was asked for {}, but the policy's delays are {}: {why}",
            times(got.asked.iter().copied()),
            times(due.asked.iter().copied())
        )));
    }
    let of = |k: usize| (&got.lives[k], &due.lives[k.min(attempts.saturating_sub(1))]);
    let wrong = match diverges(&due.lives, &got.lives) {
        None => None,
        Some(Divergence::Missing(k)) => {
            let dropped_last =
                got.lives.last().is_some_and(|l| !l.finished && l.released == Some(got.returned));
            let said = (step(&case.steps, k as u32).1)(k as u32) == Err(Failure::TimedOut);
            let hint = match (dropped_last, said) {
                (true, _) => ": a time-out is retried like a Transient failure (is the timeout around the whole call, not each attempt?)",
                (_, true) => ": the attempt before it returned Failure::TimedOut itself, and that is retried like a time-out of your own",
                _ if p.attempts == 0 => ": policy.attempts 0 is taken as 1: the call is always tried once",
                _ => "",
            };
            Some(format!("attempt {} never started: the call ended at {} after {} attempt(s), and it was due at {}{}", k + 1, hd(got.returned), got.lives.len(), hd(due.lives[k].taken), hint))
        }
        Some(Divergence::Label(_)) => {
            let labels: Vec<u32> = got.lives.iter().map(|l| l.label).collect();
            Some(format!("the attempts were numbered {labels:?}: the first is attempt(1), and each next one counts up by one"))
        }
        Some(Divergence::Taken(0)) => Some(format!(
            "attempt 1 started at {}, but the first attempt starts at once: no wait before it",
            hd(got.lives[0].taken)
        )),
        Some(Divergence::Taken(k)) => {
            let (life, want) = of(k);
            let ended = due.lives[k - 1].released.unwrap_or_default();
            let wait = life.taken.saturating_sub(got.lives[k - 1].released.unwrap_or(life.taken));
            let blocked = if wait.is_zero() { BLOCKED } else { "" };
            Some(format!("attempt {} started at {}, but the schedule says {}: attempt {k} ended at {}, and the wait after it is exactly what jitter gave ({}), but it was {}.{blocked}", k + 1, hd(life.taken), hd(want.taken), hd(ended), hd(want.taken - ended), hd(wait)))
        }
        Some(Divergence::Released(k)) => {
            let (life, want) = of(k);
            let due_end = want.released.unwrap_or_default();
            let why = match life.released {
                None => format!("it was still running {} after the call, holding its connection: a spawned attempt is not cancelled when its JoinHandle times out or is dropped. Time out (and so drop) the attempt's future itself, or abort the task", hd(AFTER)),
                Some(_) if case.drop_at == Some(due_end) => format!("the caller dropped the call at {}, and the attempt in flight must be dropped with it at that instant {SPAWNED}", hd(due_end)),
                Some(r) if r == got.returned && r < due_end => "and the call returned with it: the timeout is around the whole call, not around each attempt".into(),
                Some(r) if !want.finished && !life.finished && r > due_end => format!("it timed out at {} but was dropped only {} later: the timed-out future was kept alive (a pinned `Timeout` in a variable that outlives the backoff?); let it drop when the timeout fires", hd(due_end), hd(r - due_end)),
                Some(_) if !want.finished => format!("nothing dropped it at its deadline (per_try is {}): wrap each attempt in tokio::time::timeout(per_try, ..), around the attempt's own future (a spawned task whose JoinHandle times out runs on)", hd(p.per_try)),
                Some(_) => "it was due to finish, not to be dropped".into(),
            };
            Some(format!(
                "attempt {} (started at {}) released its connection {}, but it was due {}: {why}",
                k + 1,
                hd(life.taken),
                life.ended(),
                want.ended()
            ))
        }
        Some(Divergence::Extra(k)) => {
            let why = match &due.result {
                None => format!("but the caller dropped the call at {}: after a drop nothing may start {SPAWNED}", hd(due.returned)),
                Some(Ok(_)) => "but the attempt before it succeeded".into(),
                Some(Err(RetryError { last: Failure::Permanent(_), .. })) => "but the attempt before it failed Permanent: that is an answer, return it at once".into(),
                _ => format!("but policy.attempts is {}: that is {attempts} attempt(s) in all (0 counts as 1)", p.attempts),
            };
            Some(format!(
                "attempt {} started at {}, {why}",
                got.lives[k].label,
                hd(got.lives[k].taken)
            ))
        }
    };
    if let Some(wrong) = wrong {
        let seen = times(got.lives.iter().map(|l| l.taken));
        return Err(fail(format!("{what}: {wrong}")).detail(format!("attempts started at: {seen}")));
    }
    ensure(got.asked.len() == waits, || {
        let why = match got.asked.len() > waits {
            true if dropped => format!("jitter was asked after the caller dropped the call at {}: nothing of it may go on {SPAWNED}", hd(due.returned)),
            true => format!("{attempts} attempt(s) have {waits} wait(s) between them: nothing comes before the first attempt or after the last"),
            false => "every wait asks jitter once, for the delay, and waits what it answers".into(),
        };
        fail(format!(
            "{what}: jitter was asked {} time(s) ({}), but {why}",
            got.asked.len(),
            times(got.asked.iter().copied())
        ))
    })?;
    let say =
        |r: &Option<_>| r.as_ref().map_or("nothing (it was dropped)".into(), |r| format!("{r:?}"));
    let late = (got.returned > due.returned)
        .then_some(" (no wait after the last attempt: return its failure at once)");
    ensure((&got.result, got.returned) == (&due.result, due.returned), || {
        let (gave, should) = (say(&got.result), say(&due.result));
        fail(format!("{what}: the call gave {gave} at {}, but it should give {should} at {}, as the last attempt ends{}", hd(got.returned), hd(due.returned), late.unwrap_or_default()))
    })?;
    Ok(got)
}

fn schedule() -> Verdict {
    let steps = [(0, FAILS), (30, FAILS), (1500, SUCCEEDS), (250, FAILS), (70, SUCCEEDS)];
    let what = "5 attempts (fails at once, fails after 30 ms, succeeds 500 ms too late, fails after 250 ms, succeeds)";
    let t = judge(&case(what, [5, 100, 1000, 1000], &steps))?;
    Ok(pass(format!(
        "attempts started at {}; the late one dropped at its 1 s deadline; Ok from attempt 5 at {}",
        times(t.lives.iter().map(|l| l.taken)),
        hd(t.returned)
    )))
}

fn cap_and_jitter() -> Verdict {
    let steps = [(20, FAILS), (0, FAILS), (45, FAILS), (10, FAILS), (0, FAILS), (35, FAILS)];
    let c = case(
        "6 failing attempts, base 100 ms, cap 300 ms, a varying jitter",
        [6, 100, 300, 1000],
        &steps,
    );
    let t = judge(&c.jitter(|i, d| [d, d / 2, Duration::ZERO, d * 3 / 4, d / 3][i.min(4)]))?;
    let below =
        case("3 failing attempts, base 500 ms, cap 200 ms", [3, 500, 200, 1000], &[(10, FAILS)]);
    judge(&below.jitter(|i, d| if i == 0 { d / 4 } else { d }))?;
    let asked = times(t.asked.iter().copied());
    Ok(pass(format!("jitter asked {asked}, and its answers were the waits; cap below base gave 200 ms each time")))
}

fn timeouts_drop() -> Verdict {
    let t =
        judge(&case("3 attempts that hang, per_try 200 ms", [3, 50, 1000, 200], &[(HANG, FAILS)]))?;
    let steps = [(HANG, FAILS), (199, FAILS), (20, SAYS_TIMED_OUT), (HANG, FAILS)];
    let what = "4 attempts: hangs, fails after 199 ms, returns Failure::TimedOut itself, hangs";
    judge(&case(what, [4, 10, 1000, 200], &steps))?;
    Ok(pass(format!(
        "each hung attempt dropped at its 200 ms deadline (starts {}); Err(TimedOut) at {}",
        times(t.lives.iter().map(|l| l.taken)),
        hd(t.returned)
    )))
}

fn permanent_at_once() -> Verdict {
    let steps = [(40, FAILS), (60, FATAL), (10, SUCCEEDS)];
    let t =
        judge(&case("a Transient failure, then a Permanent one", [5, 100, 1000, 1000], &steps))?;
    Ok(pass(format!(
        "Err(Permanent) after 2 attempts at {}: no third attempt, no wait",
        hd(t.returned)
    )))
}

fn edges() -> Verdict {
    judge(&case("attempts 0 (one try)", [0, 100, 1000, 1000], &[(10, FAILS)]))?;
    judge(&case("attempts 1, an attempt that hangs", [1, 100, 1000, 100], &[(HANG, FAILS)]))?;
    let steps = [(0, FAILS), (0, FAILS), (0, FAILS), (5, SUCCEEDS)];
    judge(&case("base zero, success on attempt 4", [4, 0, 100, 1000], &steps))?;
    let mut steps = vec![(0, FAILS); 39];
    steps.push((3, SUCCEEDS));
    let forty =
        case("40 attempts, base 1 ms, cap 64 ms, success on the 40th", [40, 1, 64, 1000], &steps);
    match catch_unwind(AssertUnwindSafe(|| judge(&forty))) {
        Ok(judged) => judged?,
        Err(p) if is_todo(&*p) => resume_unwind(p),
        Err(p) => return Err(fail(format!(
            "40 attempts, base 1 ms, cap 64 ms: fetch_with_retry panicked ({:?}). base × 2^(n-1) overflows once n passes 32 (and a u32 shift before that): keep the delay as a running value that is capped before it doubles, or use saturating arithmetic",
            panic_text(&*p)
        ))),
    };
    Ok(pass(
        "attempts 0 and 1 made one try each; base 0 retried at once; 40 attempts kept to the cap",
    ))
}

fn caller_cancels() -> Verdict {
    let mid = case(
        "the caller drops the call at 400 ms, during attempt 2",
        [4, 100, 1000, 1000],
        &[(50, FAILS), (600, SUCCEEDS)],
    );
    judge(&mid.dropped_at(400))?;
    let backoff = case(
        "the caller drops the call at 220 ms, during the backoff after attempt 2",
        [4, 100, 1000, 1000],
        &[(50, FAILS)],
    );
    judge(&backoff.dropped_at(220))?;
    Ok(pass(format!("attempt 2 dropped with the call at 400 ms; after a drop mid-backoff, nothing started in the next {}", hd(AFTER))))
}
