//! `collect_until` on a channel the check fills at uneven times and drains
//! afterwards: every message is returned, left in the channel, or lost.

use super::*;
use kata_harness::group::{on_fed, Drained};

/// `collect_until` on a channel fed at `sends` ms and closed at `close` ms,
/// with a deadline `deadline` ms from the start; `calls` calls in a row,
/// their results joined, once `wait` ms have passed.
fn collected(
    what: &str,
    (sends, close): (&[u64], u64),
    (wait, deadline, calls): (u64, u64, usize),
) -> Result<Drained<Vec<u32>>, Outcome> {
    let sends: Vec<Duration> = sends.iter().map(|&t| ms(t)).collect();
    on_fed(REAL_LIMIT, what, (&sends, ms(close)), move |mut rx, start| async move {
        if wait > 0 {
            tokio::time::sleep(ms(wait)).await;
        }
        let mut got = Vec::new();
        for _ in 0..calls {
            got.extend(collect_until(&mut rx, start + ms(deadline)).await);
        }
        (got, rx)
    })
}

/// Six messages at uneven times, four before a deadline of 200 ms; the
/// sender stays open until 400 ms.
const SENDS: &[u64] = &[30, 60, 100, 180, 260, 320];

fn before_deadline() -> Result<Drained<Vec<u32>>, Outcome> {
    collected("collect_until a deadline of 200 ms", (SENDS, 400), (0, 200, 1))
}

fn sends() -> String {
    let each: Vec<String> =
        SENDS.iter().enumerate().map(|(i, &t)| format!("{i} at {t} ms")).collect();
    format!("messages sent: {}; deadline 200 ms; sender open until 400 ms", each.join(", "))
}

pub fn deadline_exact() -> Verdict {
    let run = before_deadline()?;
    ensure(run.at.abs_diff(ms(200)) <= SLACK, || {
        let why = if run.at > ms(200) {
            "after it: a deadline that moves (a `sleep(d)` or `timeout(d, ...)` made afresh on every turn of \
             the loop restarts with each message), or a loop that waits for the channel to close. Fix the \
             instant once and race against it: `tokio::time::sleep_until(deadline)`"
        } else {
            "before it, while the sender was still open: only the deadline or a closed, empty channel ends it"
        };
        fail(format!(
            "collect_until with a deadline of 200 ms returned at {}, {why}",
            human(run.at)
        ))
        .detail(sends())
    })?;
    let early = collected("collect_until a channel closed at 50 ms", (&[10, 40], 50), (0, 300, 1))?;
    ensure(early.at.abs_diff(ms(50)) <= SLACK && early.value == [0, 1], || {
        fail(format!(
            "two messages (at 10 ms and 40 ms), the sender dropped at 50 ms, deadline 300 ms: the call returned \
             {:?} at {}, but a closed and empty channel ends it then, at 50 ms, with [0, 1]. `recv()` gives \
             `None` when every sender is gone: stop there",
            early.value,
            human(early.at)
        ))
    })?;
    // Called at 30 ms with a deadline of 10 ms, messages sent at 20 and 25
    // ms waiting: 20 calls, since `select!` picks among ready branches at random.
    let past = collected("collect_until a deadline already past", (&[20, 25], 1000), (30, 10, 20))?;
    ensure(past.value.is_empty() && past.at == ms(30) && past.left == [0, 1], || {
        fail(format!(
            "called at 30 ms with a deadline of 10 ms, while messages 0 and 1 (sent at 20 and 25 ms, after the \
             deadline) waited in the channel, 20 calls in a row took {:?} and returned after {}: a deadline \
             already past ends the call at once, and a message sent after it stays in the channel. When the \
             timer and a message are both ready, the deadline must win: check the clock first, or put its \
             branch first under `biased;` (`select!` picks at random, `timeout_at` tries the message first)",
            past.value,
            human(past.at.saturating_sub(ms(30)))
        ))
    })?;
    Ok(pass(
        "returned at the deadline (200 ms), at the close (50 ms), and at once for a past deadline, \
         leaving the messages sent after it",
    )
    .detail(sends()))
}

pub fn nothing_lost() -> Verdict {
    let run = before_deadline()?;
    let (got, left) = (&run.value, &run.left);
    let lost: Vec<u32> = (0..6).filter(|i| !got.contains(i) && !left.contains(i)).collect();
    ensure(lost.is_empty(), || {
        fail(format!(
            "messages {lost:?} were sent, but are neither in the result ({got:?}) nor left in the channel \
             ({left:?}): they were lost. The future that lost the race held them: a whole collecting loop \
             inside a `timeout` drops its `Vec` when the deadline wins, and so does a helper that takes \
             several messages per turn. Keep the `Vec` outside, and race only `rx.recv()`, which is \
             cancel-safe (a `recv` that loses has taken nothing)"
        ))
        .detail(sends())
    })?;
    ensure(*got == [0, 1, 2, 3] && *left == [4, 5], || {
        fail(format!(
            "the call returned {got:?} and left {left:?} in the channel, but messages 0 to 3 came before the \
             deadline (200 ms) and 4 and 5 after it: return the first ones, in the order they came, and leave \
             the others in the channel"
        ))
        .detail(sends())
    })?;
    Ok(pass(
        "messages 0 to 3 returned in order; 4 and 5, sent after the deadline, left in the channel",
    )
    .detail(sends()))
}
