//! The hidden checks of ex27 · Streams and backpressure.
//!
//! `pipeline` runs on tokio's paused clock (`run_paused`: a
//! `current_thread` runtime started paused), so every time is exact and
//! costs no real time. Its source, `work` and sink are the checks' own
//! (`bench`): they count items taken and not yet handed on, calls in
//! progress and writes, from their side. Nothing `pipeline` says about
//! itself is trusted.

use kata_harness::judge::Judgement;
use kata_harness::protocol::human_duration;
use kata_harness::stages::{run_pipeline, Log, Ran, Scenario};
use kata_harness::{ms, Outcome, Verdict};
use std::process::ExitCode;
use std::time::Duration;

kata_harness::exercise!(pipeline, Limits, Order);

/// Real time a paused-clock run may take: a right pipeline takes
/// milliseconds (waits cost nothing there); only a blocked thread or a wait
/// that never ends gets near this.
const REAL_LIMIT: Duration = ms(2000);

/// One run: how many items, the limits, each item's latency in work and
/// in the sink.
struct Case {
    items: usize,
    limits: Limits,
    work: fn(usize) -> Duration,
    write: fn(usize) -> Duration,
}

/// `pipeline` of the case's instrumented source, work and sink.
fn run(case: Case, what: &str) -> Result<Ran, Outcome> {
    let Case { items, limits, work, write } = case;
    run_pipeline(Scenario { items, work, write }, REAL_LIMIT, what, move |bench| async move {
        pipeline(bench.source(), bench.work(), bench.sink(), limits).await;
    })
}

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        "each-once" => each_once,
            "every item worked on once, its output written once, one write at a time, all before pipeline returns";
        "order-kept" => order_kept,
            "Order::Kept: the sink receives the outputs in the source's order, though later items finish sooner";
        "as-finished" => as_finished,
            "Order::AsFinished: a slow item among fast ones holds nothing up: 20 items in about 1 s, not 1.4 s";
        "workers" => workers,
            "exactly `workers` calls of work in progress at the peak, never more, in both orders";
        "bounded-memory" => bounded_memory,
            "with a slow sink, never more than workers + capacity items taken from the source and not yet handed to the sink";
        "work-goes-on" => work_goes_on,
            "while the sink spends 500 ms on one output, the work stage finishes at least `capacity` more outputs";
    })
}

fn limits(workers: usize, capacity: usize, order: Order) -> Limits {
    Limits { workers, capacity, order }
}

fn fast(_: usize) -> Duration {
    ms(1)
}

/// Every item worked on once, written once, one write at a time, every write
/// ended before `pipeline` returned.
fn all_once(ran: &Ran, items: usize, what: &str) -> Result<(), Outcome> {
    let j = Judgement::new();
    let log = &ran.log;
    let ended = log.returned.unwrap_or(0);
    j.ensure(ended == log.write_ends.len(), || {
        format!(
            "{what}: `pipeline` returned when {ended} of the {items} writes had ended, and more \
             followed after it: it must return only after the last one. Await the sink stage to \
             its end (its `JoinHandle`, if you spawned it)."
        )
    })?;
    for id in 0..items {
        let (worked, written) =
            (Log::times(&log.work_starts, id), Log::times(&log.write_starts, id));
        j.ensure(worked == 1, || {
            format!("{what}: work ran {worked} times on item {id}: run it once per item")
        })?;
        j.ensure(written == 1, || match written {
            0 => format!(
                "{what}: the output of item {id} never reached the sink ({} of {items} were \
                 written): every output must be sent and written. `try_send` drops an output when \
                 the buffer is full; `send(output).await` waits for room instead.",
                log.write_starts.len()
            ),
            _ => format!("{what}: the output of item {id} was written {written} times: once each"),
        })?;
    }
    j.ensure(ran.write_peak <= 1, || {
        format!(
            "{what}: {} writes were in progress at once: the sink writes one output at a time. \
             Await each `sink(output)` before calling it again (no `for_each_concurrent`, no task \
             per write).",
            ran.write_peak
        )
    })?;
    Ok(())
}

fn each_once() -> Verdict {
    let uneven = |id: usize| ms(10 + (id as u64 * 37 % 9) * 10);
    for (order, name) in [(Order::AsFinished, "as finished"), (Order::Kept, "order kept")] {
        let s = Case { items: 30, limits: limits(3, 2, order), work: uneven, write: fast };
        let what = format!("30 items, 3 workers, {name}");
        all_once(&run(s, &what)?, 30, &what)?;
    }
    let s = Case { items: 5, limits: limits(1, 1, Order::Kept), work: uneven, write: fast };
    all_once(&run(s, "5 items, 1 worker, a buffer of 1")?, 5, "5 items, 1 worker, a buffer of 1")?;
    let s = Case { items: 0, limits: limits(2, 2, Order::AsFinished), work: fast, write: fast };
    let ran = run(s, "an empty source")?;
    all_once(&ran, 0, "an empty source")?;
    Judgement::new()
        .ensure(ran.log.work_starts.is_empty() && ran.log.write_starts.is_empty(), || {
            "an empty source: expected no calls of work and no writes".into()
        })?;
    Ok(Judgement::new().pass(
        "every item worked on once and written once, one write at a time, all before pipeline \
         returned; in both orders, with 1 worker and a buffer of 1, and for an empty source",
    ))
}

fn order_kept() -> Verdict {
    let s = Case {
        items: 12,
        limits: limits(4, 3, Order::Kept),
        work: |id| ms((12 - id as u64) * 20),
        write: fast,
    };
    let ran = run(s, "12 items, order kept")?;
    all_once(&ran, 12, "12 items, order kept")?;
    let got: Vec<usize> = ran.log.write_starts.iter().map(|e| e.0).collect();
    let mut j = Judgement::new();
    j.detail(format!("the sink received: {got:?}"));
    if let Some(at) = got.iter().enumerate().position(|(i, &id)| i != id) {
        return Err(j.fail(format!(
            "with Order::Kept the sink received item {} where item {at} was due: outputs must \
             reach the sink in the source's order, whatever order the calls finish in (later \
             items finish sooner here). `buffered(n)` keeps that order; `buffer_unordered(n)` \
             hands outputs on as they finish.",
            got[at]
        )));
    }
    Ok(j.pass("the sink received all 12 outputs in the source's order, though later items finished sooner"))
}

fn as_finished() -> Verdict {
    let slow = |id: usize| if id == 0 { ms(1000) } else { ms(100) };
    let s = Case { items: 20, limits: limits(4, 20, Order::AsFinished), work: slow, write: fast };
    let ran = run(s, "20 items, one slow, as finished")?;
    all_once(&ran, 20, "20 items, one slow, as finished")?;
    let bound = ms(1001).mul_f64(1.05);
    let mut j = Judgement::new();
    j.figure("virtual time", human_duration(ran.elapsed), format!("≤ {}", human_duration(bound)))
        .detail("item 0 takes 1 s in work, the other 19 take 100 ms; 4 workers".to_string());
    j.ensure(ran.elapsed <= bound, || {
        let why = if ran.work_peak < 4 {
            format!(
                "at most {} calls of work were in progress at once, of the 4 allowed",
                ran.work_peak
            )
        } else if ran.elapsed >= ms(1350) {
            "the slow item 0 held the others up: the fast items after it finished and waited \
             behind it, keeping their places of the 4, so nothing new started until it was done \
             (head-of-line blocking: `buffered(4)`, or batches joined one after another)"
                .to_string()
        } else {
            "fewer than 4 calls were kept in progress while items were waiting".to_string()
        };
        format!(
            "20 items took {} of virtual time: {why}. Order::AsFinished hands each output on \
             the moment its call ends and gives its place to the next item: \
             `buffer_unordered(workers)`.",
            human_duration(ran.elapsed)
        )
    })?;
    let slow_at = ran.log.write_starts.iter().position(|e| e.0 == 0).unwrap_or(0);
    j.ensure(slow_at == 19, || {
        format!(
            "the sink received the slow item 0 as output {} of 20, before fast items that had \
             finished long before it: Order::AsFinished hands outputs on in the order the calls \
             end",
            slow_at + 1
        )
    })?;
    Ok(j.pass(format!(
        "20 items took {}, the slow item's own time: the 19 fast ones flowed past it",
        human_duration(ran.elapsed)
    )))
}

fn workers() -> Verdict {
    let mut j = Judgement::new();
    for (n, order, name) in [(3, Order::AsFinished, "as finished"), (5, Order::Kept, "order kept")]
    {
        let s = Case { items: 20, limits: limits(n, 2, order), work: |_| ms(100), write: fast };
        let what = format!("20 items, {n} workers, {name}");
        let ran = run(s, &what)?;
        all_once(&ran, 20, &what)?;
        let peak = ran.work_peak;
        j.figure(format!("calls of work at once ({name})"), peak, format!("== {n}"));
        j.ensure(peak <= n, || {
            format!(
                "{what}: {peak} calls of work were in progress at once, but the limit is {n}. A task \
                 per item (`tokio::spawn`), `join_all` or `for_each_concurrent(None, ..)` runs them \
                 all: `buffer_unordered(n)` / `buffered(n)` never poll more than n at once."
            )
        })?;
        j.ensure(peak == n, || {
            let how = if peak == 1 {
                "one at a time: awaiting each call before taking the next item (`.then(work)`, a \
                 `while let` loop with `work(item).await`) runs them in turn"
                    .to_string()
            } else {
                let swapped =
                    if peak == 2 { " (that is the capacity: are the two swapped?)" } else { "" };
                format!("only {peak} at once{swapped}")
            };
            format!(
                "{what}: {how}, while {n} were allowed and items were waiting. \
                 `buffered(n)` / `buffer_unordered(n)` keep n calls in progress."
            )
        })?;
    }
    Ok(j.pass("exactly as many calls of work in progress at the peak as there are workers"))
}

fn bounded_memory() -> Verdict {
    let (n, cap, items) = (4, 8, 200);
    let s =
        Case { items, limits: limits(n, cap, Order::AsFinished), work: fast, write: |_| ms(20) };
    let what = "200 fast items, a sink of 20 ms per write";
    let ran = run(s, what)?;
    all_once(&ran, items, what)?;
    let (held, max) = (ran.held, n + cap);
    let mut j = Judgement::new();
    j.figure("items taken, not yet handed to the sink, at once", held, format!("≤ {max}"))
        .figure("calls of work at once", ran.work_peak, format!("≤ {n}"))
        .detail(format!("{n} workers, a buffer of {cap}; work takes 1 ms, each write 20 ms"));
    let before_first = ran
        .log
        .work_starts
        .first()
        .map_or(0, |&(_, at)| ran.log.taken.iter().filter(|&&(_, t)| t <= at).count());
    j.ensure(held <= max, || {
        let why = if ran.work_peak > n {
            format!(
                "{} calls of work ran at once, more than the {n} workers, and each holds its item",
                ran.work_peak
            )
        } else if before_first == items {
            format!(
                "your code took all {items} items from the source before the first call of work \
                 started: collecting the source into a `Vec` holds the whole input in memory. \
                 Take an item only when a worker is free (`source.map(work).buffer_unordered(n)` \
                 pulls them so)"
            )
        } else if held == max + 1 {
            "one more than allowed: an item taken from the source while there is no room for it \
             waits in your hand. Let `buffer_unordered` pull items (it pulls only when it has \
             room), or reserve a channel slot (`tx.reserve().await`) before taking the next item"
                .to_string()
        } else {
            format!(
                "at most {} calls of work ran at once, so the rest waited in a buffer that does not \
                 push back: an unbounded channel (`mpsc::unbounded_channel`), a `Vec` of outputs, \
                 or tasks that each hold an output while they wait to send (a permit released \
                 before the send?). Use `mpsc::channel(capacity)` and `send(output).await`, which \
                 waits while the buffer is full, and the work stage with it",
                ran.work_peak
            )
        };
        format!(
            "at one moment {held} items had been taken from the source and not yet handed to the \
             sink, but at most workers + capacity = {max} may be: {why}."
        )
    })?;
    Ok(j.pass(format!(
        "at most {held} items taken and not yet handed to the sink (limit {max}): the slow sink \
         pushed back all the way to the source"
    )))
}

fn work_goes_on() -> Verdict {
    let (n, cap) = (2, 6);
    let stall = ms(500);
    let s = Case {
        items: 40,
        limits: limits(n, cap, Order::AsFinished),
        work: |_| ms(10),
        write: |id| if id == 5 { ms(500) } else { ms(1) },
    };
    let what = "40 items, the sink stalls 500 ms on item 5";
    let ran = run(s, what)?;
    all_once(&ran, 40, what)?;
    let from = ran.log.write_starts.iter().find(|e| e.0 == 5).map_or(Duration::ZERO, |e| e.1);
    let during = |list: &[(usize, Duration)]| -> Vec<String> {
        let ids = list.iter().filter(|&&(_, at)| at >= from && at < from + stall);
        ids.map(|&(id, at)| format!("{id} at {}", human_duration(at))).collect()
    };
    let (finished, started) = (during(&ran.log.work_ends), during(&ran.log.work_starts));
    let mut j = Judgement::new();
    j.figure("outputs finished while the sink stalled", finished.len(), format!("≥ {cap}"))
        .detail(format!(
            "{n} workers of 10 ms, a buffer of {cap}; the write of item 5 took 500 ms from {}",
            human_duration(from)
        ))
        .detail(format!("calls of work started meanwhile: {}", started.join(", ")))
        .detail(format!("outputs finished meanwhile: {}", finished.join(", ")));
    j.ensure(finished.len() >= cap, || {
        let k = finished.len();
        let why = if k > 1 {
            format!(
                "the work stopped after {k}: is the buffer smaller than `capacity`? Make it \
                 `mpsc::channel(limits.capacity)`, and let `workers` bound only the calls of work."
            )
        } else {
            "the work and the sink take turns. `outputs.for_each(|o| sink(o))`, or a loop that \
             awaits each write before polling the stream again, does no work during a write (a \
             future makes progress only while it is polled). Run the sink as a stage of its own, \
             with the bounded channel between: `tokio::join!` of the two stages, or a spawned task."
                .to_string()
        };
        format!(
            "while the sink spent 500 ms writing item 5, your work stage finished {k} output(s), \
             though the buffer had room for {cap}: {why}"
        )
    })?;
    Ok(j.pass(format!(
        "while the sink stalled for 500 ms, the work stage finished {} outputs and filled the buffer",
        finished.len()
    )))
}
