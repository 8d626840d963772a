//! The hidden checks of ex06 · Event.
//!
//! Two builds of this file run. The plain build checks the event on real
//! threads: what each call does, how long a timeout takes, what a blocked
//! waiter costs, and whether histories of calls from several threads are
//! linearizable. The model build (`--cfg kata_shuttle`) is the judge of the
//! interleavings: shuttle tries a thousand schedules of waiters and setters
//! (fixed seeds), and the facade's `Condvar` wakes waiters spuriously and
//! times them out at moments it picks, as a real one may.

use kata_harness::linearizable::{check, table, Model, Op, Recorder};
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

/// One call of an event, as recorded in a history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Call {
    Set,
    Clear,
    IsSet,
    Wait,
    /// `wait_timeout` of this many milliseconds.
    WaitTimeout(u64),
}

impl std::fmt::Display for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Call::Set => write!(f, "set()"),
            Call::Clear => write!(f, "clear()"),
            Call::IsSet => write!(f, "is_set()"),
            Call::Wait => write!(f, "wait()"),
            Call::WaitTimeout(ms) => write!(f, "wait_timeout({ms} ms)"),
        }
    }
}

/// What a call returned: nothing, or a `bool`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ret {
    Done,
    Bool(bool),
}

/// The event as one thread sees it: a flag. A `wait` can only take effect
/// at a moment when the flag is up; a `wait_timeout` says whether it was.
#[derive(Clone, Default, Hash, PartialEq, Eq)]
struct Flag(bool);

impl Model for Flag {
    type Call = Call;
    type Ret = Ret;
    fn step(&mut self, call: &Call) -> Option<Ret> {
        match call {
            Call::Set => self.0 = true,
            Call::Clear => self.0 = false,
            Call::IsSet | Call::WaitTimeout(_) => return Some(Ret::Bool(self.0)),
            Call::Wait if !self.0 => return None,
            Call::Wait => {}
        }
        Some(Ret::Done)
    }
}

/// Makes `call` on `event` as thread `thread`, recording it.
fn perform(recorder: &Recorder<Call, Ret>, thread: usize, event: &Event, call: Call) {
    recorder.call(thread, call, || match call {
        Call::Set => {
            event.set();
            Ret::Done
        }
        Call::Clear => {
            event.clear();
            Ret::Done
        }
        Call::IsSet => Ret::Bool(event.is_set()),
        Call::Wait => {
            event.wait();
            Ret::Done
        }
        Call::WaitTimeout(ms) => Ret::Bool(event.wait_timeout(Duration::from_millis(ms))),
    });
}

/// `None` if the history is linearizable, else the lines that explain why
/// not: the shortest failing part of it, a column per thread.
fn not_linearizable(history: &[Op<Call, Ret>]) -> Option<Vec<String>> {
    let violation = check(&Flag::default(), history).err()?;
    let shown: Vec<Op<String, String>> = violation
        .prefix
        .iter()
        .map(|op| Op {
            thread: op.thread,
            call: op.call.to_string(),
            ret: op.ret.map(|r| match r {
                Ret::Done => "returns".to_string(),
                Ret::Bool(b) => b.to_string(),
            }),
            begin: op.begin,
            end: op.end,
        })
        .collect();
    let mut lines =
        vec!["No order of these calls, each taking effect at one moment between its call and its \
         return, gives every call the result it got from an event that starts cleared:"
            .to_string()];
    lines.extend(table(&shown).into_iter().map(|row| format!("  {row}")));
    Some(lines)
}
