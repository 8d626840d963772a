//! The facade's shuttle build wakes waiters spuriously, times them out, and
//! runs sleeps on the model's clock. Run with
//! `RUSTFLAGS="--cfg kata_shuttle" CARGO_TARGET_DIR=target/kata-model/shuttle cargo test -p kata-sync`.
#![cfg(kata_shuttle)]

use kata_sync::sync::{Arc, Condvar, Mutex};
use kata_sync::thread;
use kata_sync::time::{Duration, Instant};

const RUNS: usize = 300;

/// Whether some schedule of `test` panics.
fn fails_somewhere(test: impl Fn() + Send + Sync + 'static) -> bool {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        shuttle::check_random(test, RUNS);
    }))
    .is_err()
}

fn flag_and_setter() -> (Arc<(Mutex<bool>, Condvar)>, thread::JoinHandle<()>) {
    let shared = Arc::new((Mutex::new(false), Condvar::new()));
    let setter = {
        let shared = Arc::clone(&shared);
        thread::spawn(move || {
            *shared.0.lock().unwrap() = true;
            shared.1.notify_all();
        })
    };
    (shared, setter)
}

#[test]
fn an_if_around_wait_is_caught_by_a_spurious_wake_up() {
    assert!(fails_somewhere(|| {
        let (shared, setter) = flag_and_setter();
        let mut set = shared.0.lock().unwrap();
        if !*set {
            set = shared.1.wait(set).unwrap();
        }
        assert!(*set, "woken with the flag down");
        drop(set);
        setter.join().unwrap();
    }));
}

#[test]
fn a_while_around_wait_holds_in_every_schedule() {
    assert!(!fails_somewhere(|| {
        let (shared, setter) = flag_and_setter();
        let mut set = shared.0.lock().unwrap();
        while !*set {
            set = shared.1.wait(set).unwrap();
        }
        drop(set);
        setter.join().unwrap();
    }));
}

#[test]
fn a_wait_nobody_ends_times_out_at_its_deadline() {
    shuttle::check_random(
        || {
            let shared = (Mutex::new(()), Condvar::new());
            let deadline = Instant::now() + Duration::from_secs(60);
            let mut guard = shared.0.lock().unwrap();
            // Right: each wake-up waits only for what is left.
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                guard = shared.1.wait_timeout(guard, left).unwrap().0;
            }
            // The model's clock moved on to the deadline: no real minute
            // passed, and it did not overshoot.
            assert!(Instant::now() >= deadline);
            assert!(Instant::now() <= deadline + Duration::from_secs(1));
        },
        SMALL_RUNS,
    );
}

const SMALL_RUNS: usize = 20;

#[test]
fn a_timed_out_flag_may_race_a_notify() {
    // Either outcome is legal when the notify and the deadline meet; both
    // must show up among the schedules.
    let outcomes = Arc::new(std::sync::Mutex::new(std::collections::BTreeSet::new()));
    let seen = Arc::clone(&outcomes);
    shuttle::check_random(
        move || {
            let (shared, setter) = flag_and_setter();
            let guard = shared.0.lock().unwrap();
            let (guard, _) =
                shared.1.wait_timeout_while(guard, Duration::from_millis(5), |set| !*set).unwrap();
            seen.lock().unwrap().insert(*guard);
            drop(guard);
            setter.join().unwrap();
        },
        RUNS,
    );
    assert_eq!(outcomes.lock().unwrap().len(), 2);
}

#[test]
fn a_wait_that_restarts_its_timeout_overshoots_it() {
    assert!(fails_somewhere(|| {
        let (lock, condvar) = (Mutex::new(()), Condvar::new());
        let timeout = Duration::from_millis(100);
        let began = Instant::now();
        let mut guard = lock.lock().unwrap();
        // Wrong: every wake-up waits the whole timeout again.
        loop {
            let (next, result) = condvar.wait_timeout(guard, timeout).unwrap();
            guard = next;
            if result.timed_out() {
                break;
            }
        }
        assert!(began.elapsed() <= timeout + Duration::from_millis(5));
    }));
}

#[test]
fn sleeping_does_not_order_threads() {
    assert!(fails_somewhere(|| {
        let order = Arc::new(Mutex::new(Vec::new()));
        let late = {
            let order = Arc::clone(&order);
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(50));
                order.lock().unwrap().push("second");
            })
        };
        order.lock().unwrap().push("first");
        late.join().unwrap();
        assert_eq!(*order.lock().unwrap(), ["first", "second"]);
    }));
}
