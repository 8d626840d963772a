//! Panics a check meets: what a caught one said, a stub's `todo!` told
//! apart, calls that must panic, and the check's own deliberate panics kept
//! out of the report.

use std::sync::atomic::{AtomicUsize, Ordering};

/// What a check says when a stub's `todo!` ran ([`is_todo`]).
pub const STILL_A_STUB: &str =
    "still a stub: a `todo!` of your code ran. Replace it with your code.";

/// What a caught panic said (its `&str` or `String` payload).
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with a non-text payload".into())
}

/// Whether a caught panic is a stub's unfinished body (the "not yet implemented" of `todo`).
pub fn is_todo(payload: &(dyn std::any::Any + Send)) -> bool {
    panic_text(payload).starts_with("not yet implemented")
}

/// The payload of the panics that a check's own code (a job, an `f` it
/// hands over) raises on purpose.
pub const DELIBERATE: &str = "kata: a deliberate panic in code the check handed over";

/// Panics on purpose, for code the check hands over that must fail (see
/// [`quiet_deliberate_panics`]).
pub fn deliberate_panic() -> ! {
    std::panic::panic_any(DELIBERATE)
}

/// The harness's panic hook records the first panic of the process, to
/// report it beside a failure. A check's own deliberate panics are kept from
/// it, and so is every panic raised while [`expecting_panics`] runs; any
/// other panic still reaches it.
pub fn quiet_deliberate_panics() {
    let harness = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // Ordering: a flag set and cleared by the check around the call.
        let expected = EXPECTING.load(Ordering::SeqCst) > 0;
        if !expected && info.payload().downcast_ref::<&str>() != Some(&DELIBERATE) {
            harness(info);
        }
    }));
}

/// How many [`expecting_panics`] calls are running.
static EXPECTING: AtomicUsize = AtomicUsize::new(0);

/// Runs `f`, a call that must panic (the contract says so), keeping the
/// panics raised meanwhile from the harness's record (see
/// [`quiet_deliberate_panics`], which must be set first).
pub fn expecting_panics<R>(f: impl FnOnce() -> R) -> R {
    EXPECTING.fetch_add(1, Ordering::SeqCst);
    let result = f();
    EXPECTING.fetch_sub(1, Ordering::SeqCst);
    result
}

/// Whether `f` panicked (a call the contract says must panic), its panic
/// kept from the report. A stub's `todo!` is not that panic: it goes on, so
/// the check says "still a stub".
pub fn panics<R>(f: impl FnOnce() -> R + std::panic::UnwindSafe) -> bool {
    quiet_deliberate_panics();
    match expecting_panics(|| std::panic::catch_unwind(f)) {
        Err(panic) if is_todo(&*panic) => std::panic::resume_unwind(panic),
        Err(_) => true,
        Ok(_) => false,
    }
}

/// Runs `f`, a call at an edge of the contract that must not panic: a panic
/// is a failure naming `what` was called, what it said, and `why` (what the
/// contract says of that edge, or how code usually goes wrong there). A
/// stub's `todo!` is told as [`STILL_A_STUB`].
///
/// # Errors
/// That failure, if `f` panicked.
pub fn edge<T>(what: &str, why: &str, f: impl FnOnce() -> T) -> Result<T, crate::Outcome> {
    quiet_deliberate_panics();
    let caught = expecting_panics(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
    caught.map_err(|panic| match is_todo(&*panic) {
        true => crate::fail(STILL_A_STUB),
        false => crate::fail(format!("{what} panicked ({}): {why}", panic_text(&*panic))),
    })
}

/// Runs `hold` on a thread of its own, then panics there on purpose while
/// what it returned is still held, and waits for that thread: what a guard
/// (a permit, a lock) does when its holder panics. The deliberate panic is
/// kept from the report ([`quiet_deliberate_panics`]).
pub fn unwinding<T>(hold: impl FnOnce() -> T + Send) {
    quiet_deliberate_panics();
    expecting_panics(|| {
        std::thread::scope(|s| {
            let holder = s.spawn(|| {
                let _held = hold();
                deliberate_panic()
            });
            let _ = holder.join();
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_told_and_a_todo_goes_on() {
        assert!(panics(|| -> u8 { panic!("the contract says so") }));
        assert!(!panics(|| 7));
        let todo = std::panic::catch_unwind(|| panics(|| -> u8 { panic!("not yet implemented") }));
        assert!(is_todo(&*todo.unwrap_err()));
    }

    #[test]
    fn an_edge_that_panics_is_told_by_its_call() {
        assert_eq!(edge("f(0)", "", || 7).unwrap(), 7);
        let told = edge("f(0)", "0 is allowed", || -> u8 { panic!("limit > 0") });
        assert_eq!(told.unwrap_err().message, "f(0) panicked (limit > 0): 0 is allowed");
        let stub = edge("f(0)", "", || -> u8 { panic!("not yet implemented") });
        assert_eq!(stub.unwrap_err().message, STILL_A_STUB);
    }

    #[test]
    fn unwinding_drops_what_was_held() {
        struct Held<'a>(&'a AtomicUsize);
        impl Drop for Held<'_> {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let dropped = AtomicUsize::new(0);
        unwinding(|| Held(&dropped));
        assert_eq!(dropped.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_todo_is_known_by_its_text() {
        let todo = std::panic::catch_unwind(|| panic!("not yet implemented")).unwrap_err();
        let other = std::panic::catch_unwind(|| panic!("index out of range")).unwrap_err();
        assert!(is_todo(todo.as_ref()) && !is_todo(other.as_ref()));
    }

    #[test]
    fn deliberate_panics_are_told_apart() {
        let caught = std::panic::catch_unwind(|| deliberate_panic()).unwrap_err();
        assert_eq!(caught.downcast_ref::<&str>(), Some(&DELIBERATE));
    }
}
