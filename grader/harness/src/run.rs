//! The checks binary's `main`: list, run one check, or run all for a person.

use crate::protocol::{Channel, CheckInfo, Message, Outcome, Status, THREAD_REFUSED};
use crate::{fail, Check};
use std::panic;
use std::process::ExitCode;
use std::sync::{Mutex, OnceLock};

/// The first panic seen in this process, with where it happened. Learner code
/// may panic on a thread the check never joins; the verdict still names it.
static FIRST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// The channel the grader handed this process, and the check it asked for.
static CHANNEL: OnceLock<(Channel, String)> = OnceLock::new();

/// Entry point of every checks binary.
pub fn main(checks: &[Check]) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Before anything else runs: take the result channel over.
    let channel = Channel::from_args(&args);
    if args.iter().any(|a| a == "--kata-list") {
        let Some(channel) = channel else {
            return usage();
        };
        let checks = checks
            .iter()
            .map(|c| CheckInfo { name: c.name.into(), about: c.about.into() })
            .collect();
        return finish(channel.send(&Message::Listed { checks }));
    }
    if let Some(name) = flag_value(&args, "--kata-run") {
        let (Some(channel), Some(check)) = (channel, checks.iter().find(|c| c.name == name)) else {
            return usage();
        };
        let _ = CHANNEL.set((channel, name.to_string()));
        deliver(run_one(check));
    }
    if !args.is_empty() {
        return usage();
    }
    // By hand: every check in this one process, one line each.
    let mut failed = 0;
    for check in checks {
        let outcome = run_one(check);
        if outcome.status == Status::Failed {
            failed += 1;
        }
        print_outcome(check.name, &outcome);
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Sends the verdict of the check this process runs and ends the process at
/// once, with exit code 0: a thread the learner's code left running must not
/// keep the process (and so the verdict) waiting. A check that must report
/// from a place where it cannot return (a panic hook before a model
/// checker aborts) calls this too. Run by hand, it prints the verdict.
///
/// Only the first call delivers: a thread that calls it later (two threads
/// the system refused, panicking at once) waits for the process to end, so
/// that the two verdicts never interleave on the channel.
pub fn deliver(outcome: Outcome) -> ! {
    static DELIVERING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    // Ordering: only which caller comes first matters, nothing it publishes.
    if DELIVERING.swap(true, std::sync::atomic::Ordering::Relaxed) {
        loop {
            std::thread::park();
        }
    }
    match CHANNEL.get() {
        Some((channel, check)) => {
            let sent =
                channel.send(&Message::Ran { check: check.clone(), outcome: outcome.bounded() });
            std::process::exit(if sent.is_ok() { 0 } else { 2 })
        }
        None => {
            print_outcome("(this check)", &outcome);
            std::process::exit(if outcome.status == Status::Failed { 1 } else { 0 })
        }
    }
}

fn print_outcome(name: &str, outcome: &Outcome) {
    println!("{:?}: {} — {}", outcome.status, name, outcome.message);
    for figure in &outcome.figures {
        println!("    {}: {} (required {})", figure.label, figure.measured, figure.required);
    }
    for line in &outcome.details {
        println!("    {line}");
    }
}

/// Runs one check, turning a panic that escapes it into a failure that says
/// where the panic happened.
pub(crate) fn run_one(check: &Check) -> Outcome {
    panic::set_hook(Box::new(|info| {
        let described = describe_panic(info);
        // A thread the system refused may panic where no frame catches it
        // (std maps a new thread's signal stack before the thread's code
        // runs): the unwinding then fails ("fatal runtime error: failed to
        // initiate panic") and the runtime aborts, 4 runs in 20 of ten
        // thousand threads on a busy machine. The verdict leaves from here,
        // before the unwinding is tried.
        if thread_refused(&crate::panicking::panic_text(info.payload())) && CHANNEL.get().is_some()
        {
            deliver(fail(described));
        }
        let mut first = FIRST_PANIC.lock().unwrap_or_else(|e| e.into_inner());
        if first.is_none() {
            *first = Some(described);
        }
    }));
    let result = panic::catch_unwind(check.run);
    let first_panic = FIRST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).take();
    match (result, first_panic) {
        (Ok(Ok(outcome)), _) | (Ok(Err(outcome)), None) => outcome,
        (Ok(Err(outcome)), Some(panic)) => {
            outcome.detail(format!("Also, a thread of your code panicked: {panic}"))
        }
        (Err(_), Some(panic)) => fail(panic),
        (Err(_), None) => fail("your code panicked"),
    }
}

/// Whether a panic is std's for a thread the system would not start.
fn thread_refused(message: &str) -> bool {
    THREAD_REFUSED.iter().any(|refused| message.starts_with(refused))
}

fn describe_panic(info: &panic::PanicHookInfo<'_>) -> String {
    let message = crate::panicking::panic_text(info.payload());
    let place = info
        .location()
        .map(|l| format!("{}:{}", l.file(), l.line()))
        .unwrap_or_else(|| "an unknown place".into());
    if place.replace('\\', "/").contains("grader/checks/") {
        // A check's own assertion about what a call of yours returned.
        return format!(
            "a call to your code returned what the contract forbids: {message} (the check \
             asserting it is at {place})"
        );
    }
    if message.starts_with("not yet implemented") {
        format!("still a stub: the `todo!` at {place} ran. Replace it with your code.")
    } else if thread_refused(&message) {
        format!(
            "your code could not start another thread (the system refused: {message}): \
             too many threads at once? Bound them with a pool instead of one thread per item."
        )
    } else {
        format!("your code panicked at {place}: {message}")
    }
}

fn flag_value<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    let at = args.iter().position(|a| a == flag)?;
    args.get(at + 1).map(String::as_str)
}

fn usage() -> ExitCode {
    eprintln!(
        "this is a kata checks binary: run it through `kata check`, or with no arguments to run every check here"
    );
    ExitCode::from(2)
}

fn finish(sent: std::io::Result<()>) -> ExitCode {
    match sent {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("could not send the result to the grader: {e}");
            ExitCode::from(2)
        }
    }
}
