//! The same runner under shuttle and loom: a lost update is found, by the
//! judgement or by an observer mid-run, and told as a story; a right
//! scenario passes and its locks are counted per thread.

use super::*;
use kata_sync::sync::atomic::{AtomicU64, Ordering};

/// Explorations share the process's one story: these tests take turns.
static ALONE: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn alone() -> std::sync::MutexGuard<'static, ()> {
    ALONE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Two threads adding with a load and a store: the lost update.
fn racy() -> Scenario<AtomicU64, ()> {
    Scenario::new("2 racy threads", || AtomicU64::new(0)).threads(2, |count, _| {
        for _ in 0..2 {
            let seen = count.load(Ordering::SeqCst);
            narrate(format!("reads {seen}"));
            count.store(seen + 1, Ordering::SeqCst);
        }
    })
}

#[test]
fn a_lost_update_is_found_by_the_judgement() {
    let _alone = alone();
    let failure = racy()
        .judge(|count, _| {
            let count = count.load(Ordering::SeqCst);
            (count == 4).then_some(()).ok_or_else(|| crate::fail(format!("counted {count} of 4")))
        })
        .explore(|f| f.message.clone())
        .unwrap_err();
    assert!(failure.message.starts_with("counted"), "{}", failure.message);
    assert!(failure.trace.iter().any(|l| l.starts_with("thread A: reads")));
}

#[test]
fn an_observer_sees_the_count_go_down() {
    let _alone = alone();
    let failure = racy()
        .observer("the observer", |count| {
            let first = count.load(Ordering::SeqCst);
            let then = count.load(Ordering::SeqCst);
            (then >= first)
                .then_some(())
                .ok_or(format!("the count went from {first} down to {then}"))
        })
        .explore(|f| f.message.clone())
        .unwrap_err();
    assert!(failure.message.contains("down to"), "{}", failure.message);
}

#[test]
fn a_right_scenario_passes_every_schedule_and_counts_its_locks() {
    let _alone = alone();
    let explored = Scenario::new("2 locking threads", || kata_sync::sync::Mutex::new(0))
        .threads(2, |count, _| *count.lock().unwrap() += 1)
        .judge(|count, parts| {
            let locks: Vec<u64> = parts.iter().map(|p| p.did.locks).collect();
            let total = *count.lock().unwrap();
            (total == 2 && locks == [1, 1])
                .then_some(())
                .ok_or_else(|| crate::fail(format!("{total}, {locks:?}")))
        })
        .explore(|f| f.message.clone())
        .unwrap();
    // shuttle tries a thousand; loom every interleaving of so few steps.
    assert!(explored.executions > 2, "{explored:?}");
}
