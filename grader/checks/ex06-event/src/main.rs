//! The hidden checks of ex06 · Event.
//!
//! Two builds of this file run. The plain build checks the event on real
//! threads: each call, a timeout's length, a blocked waiter's cost, and the
//! linearizability of histories. The model build (`--cfg kata_shuttle`)
//! judges the interleavings of waiters and setters under shuttle, whose
//! `Condvar` wakes spuriously and times out at moments it picks.

use kata_harness::linearizable::Model;
use kata_harness::Verdict;
use std::process::ExitCode;
use std::time::Duration;

kata_harness::exercise!(Event);

#[cfg(not(kata_shuttle))]
mod plain;

#[cfg(kata_shuttle)]
mod model;

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        #[cfg(not(kata_shuttle))] {
            "set-clear-is-set" => plain::set_clear_is_set,
                "set, clear and is_set do what they say, and the event can be used again";
            "timeout-honoured" => plain::timeout_honoured,
                "wait_timeout returns false after its timeout, and true at once when set";
            "waiting-sleeps" => plain::waiting_sleeps,
                "a thread blocked in wait uses almost no CPU, and set releases it";
            "linearizable" => plain::linearizable,
                "3 real threads calling set, clear, is_set and wait_timeout: every history has a sequential order";
        }
        #[cfg(kata_shuttle)] {
            "model-no-lost-wake-up" => model::no_lost_wake_up,
                "2 waiters and a setter: both waiters released, never before the set, in every schedule";
            "model-set-then-clear" => model::set_then_clear,
                "a set followed at once by a clear still releases everyone who was waiting";
            "model-timeout-on-time" => model::timeout_on_time,
                "on the model's clock, wait_timeout(100 ms) ends at 100 ms, spurious wake-ups or not";
            "model-linearizable" => model::linearizable,
                "3 threads mixing every call, spurious wake-ups and time-outs included: linearizable in every schedule";
        }
    })
}

/// The event as one thread sees it: a flag. A call is its name; `wait` takes
/// effect only at a moment when the flag is up, `wait_timeout` says if it was.
#[derive(Clone, Default, Hash, PartialEq, Eq)]
struct Flag(bool);

const CLEARED: &str = "an event that starts cleared"; // the model's start, in words

impl Model for Flag {
    type Call = &'static str;
    type Ret = String;
    fn step(&mut self, call: &&'static str) -> Option<String> {
        match *call {
            "set()" => self.0 = true,
            "clear()" => self.0 = false,
            "wait()" => return self.0.then(|| "returns".into()),
            _ => return Some(self.0.to_string()),
        }
        Some("returns".into())
    }
}

/// Makes `call` ("set()", "wait_timeout(10 ms)", ...) on `event`; what it
/// returned, as the model says it.
fn perform(event: &Event, call: &str) -> String {
    let ms = call.strip_prefix("wait_timeout(").and_then(|ms| ms.strip_suffix(" ms)"));
    match (call, ms.and_then(|ms| ms.parse().ok())) {
        (_, Some(ms)) => return event.wait_timeout(Duration::from_millis(ms)).to_string(),
        ("is_set()", _) => return event.is_set().to_string(),
        ("set()", _) => event.set(),
        ("clear()", _) => event.clear(),
        _ => event.wait(),
    }
    "returns".into()
}
