//! `collect_until`: a channel the check fills at times of its own (uneven,
//! some before and some after the deadline), and drains itself once the
//! call has returned, so that every message is found: returned, still in
//! the channel, or lost.

use super::*;
use tokio::sync::mpsc;
use tokio::time::{sleep_until, Instant};

/// One call of `collect_until`: what it returned and when, and what was
/// left in the channel for the caller.
struct Collected {
    got: Vec<u32>,
    at: Duration,
    left: Vec<u32>,
}

/// Message `i` is sent at `sends[i]` ms; the sender is dropped at `close`
/// ms; the deadline is at `deadline` ms (both from the start).
fn collected(
    what: &str,
    sends: &'static [u64],
    close: u64,
    deadline: u64,
) -> Result<Collected, Outcome> {
    let run = run_paused(REAL_LIMIT, what, move || async move {
        let start = Instant::now();
        let (tx, mut rx) = mpsc::channel(16);
        tokio::spawn(async move {
            for (i, &t) in (0u32..).zip(sends) {
                sleep_until(start + ms(t)).await;
                let _ = tx.send(i).await;
            }
            sleep_until(start + ms(close)).await;
        });
        let got = collect_until(&mut rx, start + ms(deadline)).await;
        let at = start.elapsed();
        let mut left = Vec::new();
        while let Some(i) = rx.recv().await {
            left.push(i);
        }
        Collected { got, at, left }
    })?;
    Ok(run.value)
}

/// Six messages at uneven times, three before a deadline of 200 ms; the
/// sender stays open until 400 ms.
const SENDS: &[u64] = &[30, 60, 100, 180, 260, 320];

fn before_deadline() -> Result<Collected, Outcome> {
    collected("collect_until a deadline of 200 ms", SENDS, 400, 200)
}

fn sends() -> String {
    let each = SENDS.iter().enumerate().map(|(i, &t)| format!("{i} at {t} ms"));
    format!(
        "messages sent: {}; deadline 200 ms; sender open until 400 ms",
        each.collect::<Vec<_>>().join(", ")
    )
}

pub fn deadline_exact() -> Verdict {
    let run = before_deadline()?;
    ensure(run.at.abs_diff(ms(200)) <= SLACK, || {
        let why = if run.at > ms(200) {
            "after it: a deadline that moves (a `sleep(d)` or `timeout(d, ...)` made afresh on every turn of \
             the loop restarts with each message), or a loop that waits for the channel to close. Fix the \
             instant once and race against it: `tokio::time::sleep_until(deadline)`"
        } else {
            "before it, while the sender was still open: only the deadline or a closed, empty channel ends the call"
        };
        fail(format!(
            "collect_until with a deadline of 200 ms returned at {}, {why}",
            human(run.at)
        ))
        .detail(sends())
    })?;
    let early = collected("collect_until a channel closed at 50 ms", &[10, 40], 50, 300)?;
    ensure(early.at.abs_diff(ms(50)) <= SLACK && early.got == [0, 1], || {
        fail(format!(
            "two messages (at 10 ms and 40 ms), the sender dropped at 50 ms, deadline 300 ms: the call returned \
             {:?} at {}, but a closed and empty channel ends it then, at 50 ms, with [0, 1]. `recv()` gives \
             `None` when every sender is gone: stop there",
            early.got,
            human(early.at)
        ))
    })?;
    let past = run_paused(REAL_LIMIT, "collect_until a deadline already past", || async {
        let (_tx, mut rx) = mpsc::channel::<u32>(1);
        tokio::time::sleep(ms(50)).await;
        let start = Instant::now();
        let got = collect_until(&mut rx, start - ms(20)).await;
        (got.len(), start.elapsed())
    })?;
    ensure(past.value == (0, Duration::ZERO), || {
        fail(format!(
            "with a deadline 20 ms in the past and an open, empty channel the call returned {} messages after {}: \
             a deadline already past ends the call at once (`sleep_until` a past instant is ready at once)",
            past.value.0,
            human(past.value.1)
        ))
    })?;
    Ok(pass(
        "returned at the deadline (200 ms), at the close (50 ms), and at once for a past deadline",
    )
    .detail(sends()))
}

pub fn nothing_lost() -> Verdict {
    let run = before_deadline()?;
    let lost: Vec<u32> = (0..6).filter(|i| !run.got.contains(i) && !run.left.contains(i)).collect();
    ensure(lost.is_empty(), || {
        fail(format!(
            "messages {lost:?} were sent, but are neither in the result ({:?}) nor left in the channel ({:?}): \
             they were lost. The future that lost the race held them: a whole collecting loop inside a \
             `timeout` drops its `Vec` when the deadline wins. Keep the `Vec` outside, and race only \
             `rx.recv()`, which is cancel-safe (a `recv` that loses has taken nothing)",
            run.got, run.left
        ))
        .detail(sends())
    })?;
    ensure(run.got == [0, 1, 2, 3] && run.left == [4, 5], || {
        fail(format!(
            "the call returned {:?} and left {:?} in the channel, but messages 0 to 3 came before the deadline \
             (200 ms) and 4 and 5 after it: return the first ones, in the order they came, and leave the others \
             in the channel",
            run.got, run.left
        ))
        .detail(sends())
    })?;
    Ok(pass(
        "messages 0 to 3 returned in order; 4 and 5, sent after the deadline, left in the channel",
    )
    .detail(sends()))
}
