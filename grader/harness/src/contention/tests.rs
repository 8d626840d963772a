use super::*;
use kata_sync::sync::Mutex as Counted;

fn counter() -> Scenario<Counted<u64>, u64> {
    Scenario::new("3 threads adding", || Counted::new(0)).threads(3, |count, turn| {
        for _ in 0..5 {
            *count.lock().unwrap() += 1;
        }
        turn.thread as u64
    })
}

#[test]
fn every_part_is_measured_and_every_round_starts_afresh() {
    let scenario = counter().judge(|count, parts| {
        let total = *count.lock().unwrap();
        let locks: u64 = parts.iter().map(|p| p.did.locks).sum();
        if total == 15 && locks == 15 && parts.iter().all(|p| p.did.locks == 5) {
            Ok(())
        } else {
            Err(fail(format!("total {total}, locks {locks}")))
        }
    });
    let rounds = scenario.stress(3, Duration::from_secs(20)).unwrap();
    assert_eq!(rounds.len(), 3);
    for round in &rounds {
        let results: Vec<u64> = round.parts.iter().map(|p| p.result).collect();
        assert_eq!(results, [0, 1, 2]);
        assert_eq!(round.state.times_locked(), 16, "15 parts + the judge's");
    }
}

#[test]
fn a_judgement_or_an_observer_that_fails_is_the_failure() {
    let judged =
        counter().judge(|_, _| Err(fail("the judge says no"))).stress(1, Duration::from_secs(20));
    assert_eq!(judged.err().unwrap().message, "the judge says no");
    // The part cannot end before the observer looked: it is sure to look
    // while the part runs.
    use std::sync::atomic::AtomicBool;
    let looked = Scenario::new("one thread, one observer", || AtomicBool::new(false))
        .thread("thread A", |looked, _| {
            while !looked.load(Ordering::Acquire) {
                std::thread::yield_now();
            }
        })
        .observer("the observer", |looked| {
            looked.store(true, Ordering::Release);
            Err("it broke mid-run".into())
        })
        .stress(1, Duration::from_secs(20));
    assert_eq!(looked.err().unwrap().message, "it broke mid-run");
}

#[test]
fn a_hang_is_a_verdict_that_names_the_scenario() {
    let (_keep, never) = std::sync::mpsc::channel::<()>();
    let never = std::sync::Mutex::new(never);
    let hung = Scenario::new("a thread waiting for nobody", move || ())
        .thread("thread A", move |_, _| {
            let _ = never.lock().unwrap().recv();
        })
        .on_hang("a deadlock?")
        .stress(1, Duration::from_millis(100));
    let message = hung.err().unwrap().message;
    assert!(
        message.starts_with("a thread waiting for nobody did not finish in")
            && message.ends_with("a deadlock?"),
        "{message}"
    );
}

#[test]
fn work_stops_when_its_time_is_over() {
    let rounds = Scenario::new("spinning until told", || ())
        .threads(2, |_, turn| {
            let mut steps = 0u64;
            while turn.going() {
                steps += 1;
                std::thread::yield_now();
            }
            steps
        })
        .work_for(Duration::from_millis(20))
        .stress(1, Duration::from_secs(20))
        .unwrap();
    assert!(rounds[0].parts.iter().all(|p| p.result > 0));
}

#[test]
fn threads_are_named_in_order() {
    assert_eq!(thread_name(0), "thread A");
    assert_eq!(thread_name(25), "thread Z");
    assert_eq!(thread_name(26), "thread 27");
}
