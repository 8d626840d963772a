//! The heartbeat's gaps, and what they say about the runtime's thread (see
//! the `runtime` module).

use super::GAP_LIMIT;
use std::time::Duration;

/// From a clock read at each of `ticks` ticks (counting from the start) and
/// at the end: how far it went in each gap. Empty when a reading is missing.
pub(super) fn spans(
    at_ticks: &[Duration],
    at_end: Option<Duration>,
    ticks: usize,
) -> Vec<Duration> {
    let Some(at_end) = at_end.filter(|_| at_ticks.len() == ticks) else {
        return Vec::new();
    };
    let marks: Vec<Duration> =
        std::iter::once(Duration::ZERO).chain(at_ticks.iter().copied()).chain([at_end]).collect();
    marks.windows(2).map(|pair| pair[1].saturating_sub(pair[0])).collect()
}

pub(super) fn longest(gaps: &[Gap], end: Duration) -> Gap {
    gaps.iter().copied().max_by_key(Gap::len).unwrap_or(Gap::new(Duration::ZERO, end))
}

/// The time between two heartbeat ticks (or the start and the first tick,
/// or the last tick and the end).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gap {
    pub from: Duration,
    pub to: Duration,
    /// The CPU time the runtime's thread used during the gap, when known.
    pub cpu: Option<Duration>,
    /// How long the runtime's thread was ready to run but waited for a core
    /// during the gap, when the system says ([`crate::sched::SchedClock`]).
    pub queued: Option<Duration>,
}

impl Gap {
    /// A gap from `from` to `to`, with nothing known of what the thread did.
    pub fn new(from: Duration, to: Duration) -> Gap {
        Gap { from, to, cpu: None, queued: None }
    }

    pub fn len(&self) -> Duration {
        self.to.saturating_sub(self.from)
    }

    /// How long the runtime's thread was blocked (neither running nor
    /// waiting for a core) during the gap, when the system says how long it
    /// waited for a core.
    pub fn blocked(&self) -> Option<Duration> {
        let queued = self.queued?;
        Some(self.len().saturating_sub(queued).saturating_sub(self.cpu.unwrap_or_default()))
    }

    pub fn is_empty(&self) -> bool {
        self.len().is_zero()
    }
}

/// The gaps between `0`, each tick and `end`, in time order.
pub fn gaps(ticks: &[Duration], end: Duration) -> Vec<Gap> {
    let mut points: Vec<Duration> = ticks.iter().copied().filter(|&t| t <= end).collect();
    points.sort();
    let mut out = Vec::with_capacity(points.len() + 1);
    let mut last = Duration::ZERO;
    for t in points.into_iter().chain([end]) {
        out.push(Gap::new(last, t));
        last = t;
    }
    out
}

/// What the heartbeat says about a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Beat {
    /// Every gap was under [`GAP_LIMIT`]; the longest one.
    Steady(Gap),
    /// A gap of [`GAP_LIMIT`] or more during which the runtime's thread
    /// used at least half the limit of CPU: it was computing instead of
    /// running its tasks. The longest such gap.
    Computing(Gap),
    /// A gap of [`GAP_LIMIT`] or more with little CPU, through which the
    /// control thread kept ticking, during which the runtime's thread was
    /// blocked waiting (a join, a blocking receive, a sleep): blocked for
    /// half the limit or more ([`Gap::blocked`]), or, where the system does
    /// not say, the gap is at least twice the control's longest gap of the
    /// whole run. The longest such gap.
    Waiting(Gap),
    /// The long gaps are neither: the thread was ready but waited for a core,
    /// or the machine may not have run it for a while, so the heartbeat
    /// cannot tell. The longest gap.
    MachineStalled(Gap),
}

/// Judges the heartbeat's `gaps` (see [`super::Watched::gaps`]) against the
/// `control` thread's ticks over a run of `end`.
pub fn beat(gaps: &[Gap], control: &[Duration], end: Duration) -> Beat {
    let longest_gap = longest(gaps, end);
    let mut long: Vec<Gap> = gaps.iter().copied().filter(|g| g.len() >= GAP_LIMIT).collect();
    if long.is_empty() {
        return Beat::Steady(longest_gap);
    }
    long.sort_by_key(|g| std::cmp::Reverse(g.len()));
    // Computing: the thread ran for much of the gap, and not its heartbeat
    // (a tick costs microseconds). No stall of the machine adds CPU time.
    if let Some(gap) = long.iter().find(|g| g.cpu.is_some_and(|cpu| cpu >= GAP_LIMIT / 2)) {
        return Beat::Computing(*gap);
    }
    // Waiting: a virtual machine that was not run at all stops every
    // thread, the control too, and the guest sees that time as neither run
    // nor queued: so only what the control's own silence in the gap cannot
    // explain counts. Where the system says how long the thread waited for
    // a core, blocked for half the limit beyond that silence (a machine
    // busy enough to keep a sleeping control from waking for 44 ms once
    // does not explain 700 ms blocked); elsewhere, a control that kept
    // ticking through the gap and never stalled half as long anywhere in
    // the run.
    let control_longest = longest(&self::gaps(control, end), end).len();
    let waiting = |gap: &&Gap| {
        let silence = control_gap_within(control, **gap);
        match gap.blocked() {
            Some(blocked) => blocked.saturating_sub(silence) >= GAP_LIMIT / 2,
            None => silence < GAP_LIMIT / 2 && gap.len() >= control_longest * 2,
        }
    };
    match long.iter().find(waiting) {
        Some(gap) => Beat::Waiting(*gap),
        None => Beat::MachineStalled(longest_gap),
    }
}

/// The control thread's longest gap inside `gap` (its edges count as ticks).
pub fn control_gap_within(control: &[Duration], gap: Gap) -> Duration {
    let mut last = gap.from;
    let mut longest = Duration::ZERO;
    let mut inside: Vec<Duration> =
        control.iter().copied().filter(|&t| t > gap.from && t < gap.to).collect();
    inside.sort();
    for t in inside.into_iter().chain([gap.to]) {
        longest = longest.max(t - last);
        last = t;
    }
    longest
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    use crate::ms;

    pub(in crate::runtime) fn every(step: u64, from: u64, to: u64) -> Vec<Duration> {
        (from..to).step_by(step as usize).map(ms).collect()
    }

    #[test]
    fn gaps_run_from_the_start_through_each_tick_to_the_end() {
        let g = gaps(&[ms(5), ms(10), ms(70)], ms(80));
        let lens: Vec<Duration> = g.iter().map(Gap::len).collect();
        assert_eq!(lens, [ms(5), ms(5), ms(60), ms(10)]);
        assert_eq!(gaps(&[], ms(30)), [Gap::new(ms(0), ms(30))]);
    }

    /// Ticks every 5 ms up to 95 ms, then from 180 ms: one gap of 85 ms.
    pub(in crate::runtime) fn stalled_ticks() -> Vec<Duration> {
        let mut ticks = every(5, 5, 100);
        ticks.extend(every(5, 180, 300));
        ticks
    }

    /// The gaps of `ticks` with `cpu` used in the long one (none elsewhere).
    fn with_cpu(ticks: &[Duration], cpu: Duration) -> Vec<Gap> {
        gaps(ticks, ms(300))
            .into_iter()
            .map(|mut g| {
                g.cpu = Some(if g.len() >= GAP_LIMIT { cpu } else { ms(0) });
                g
            })
            .collect()
    }

    #[test]
    fn a_steady_heartbeat_passes() {
        let ticks = every(5, 5, 200);
        let g = gaps(&ticks, ms(200));
        assert!(matches!(beat(&g, &ticks, ms(200)), Beat::Steady(g) if g.len() == ms(5)));
    }

    #[test]
    fn a_long_gap_full_of_cpu_is_computing_whatever_the_control_saw() {
        let g = with_cpu(&stalled_ticks(), ms(60));
        match beat(&g, &[], ms(300)) {
            Beat::Computing(gap) => assert_eq!((gap.from, gap.to), (ms(95), ms(180))),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_long_idle_gap_the_control_ticked_through_is_waiting() {
        let g = with_cpu(&stalled_ticks(), ms(1));
        let control = every(5, 5, 300);
        match beat(&g, &control, ms(300)) {
            Beat::Waiting(gap) => assert_eq!((gap.from, gap.to), (ms(95), ms(180))),
            other => panic!("{other:?}"),
        }
        // Without CPU readings, the control alone decides.
        assert!(matches!(
            beat(&gaps(&stalled_ticks(), ms(300)), &control, ms(300)),
            Beat::Waiting(_)
        ));
    }

    #[test]
    fn a_long_idle_gap_is_the_machine_when_the_control_stalled_too() {
        let g = with_cpu(&stalled_ticks(), ms(1));
        // The control stalls through the same gap...
        let mut control = every(5, 5, 100);
        control.extend(every(5, 170, 300));
        assert!(matches!(
            beat(&g, &control, ms(300)),
            Beat::MachineStalled(g) if g.len() == ms(85)
        ));
        assert_eq!(control_gap_within(&control, Gap::new(ms(95), ms(180))), ms(75));
        // ...or elsewhere, half as long as the heartbeat's.
        let mut control = every(5, 5, 200);
        control.extend(every(5, 250, 300));
        assert!(matches!(beat(&g, &control, ms(300)), Beat::MachineStalled(_)));
    }

    /// The gaps of [`stalled_ticks`], the long one (85 ms) with 1 ms of CPU
    /// and `queued` of waiting for a core.
    fn with_queue(queued: u64) -> Vec<Gap> {
        with_cpu(&stalled_ticks(), ms(1))
            .into_iter()
            .map(|mut g| {
                g.queued = Some(if g.len() >= GAP_LIMIT { ms(queued) } else { ms(0) });
                g
            })
            .collect()
    }

    #[test]
    fn where_the_run_queue_is_known_it_tells_a_busy_machine_from_a_block() {
        let steady_control = every(5, 5, 300);
        // 80 of the 85 ms waiting for a core: the machine, though the
        // control ticked all along.
        let g = with_queue(80);
        assert_eq!(g[19].blocked(), Some(ms(4)));
        assert!(matches!(beat(&g, &steady_control, ms(300)), Beat::MachineStalled(_)));
        // 10 of the 85 ms waiting for a core: blocked for 74 ms, even if
        // the control stalled for 40 ms elsewhere in the run...
        let g = with_queue(10);
        let mut control = every(5, 5, 200);
        control.extend(every(5, 240, 300));
        assert!(matches!(
            beat(&g, &control, ms(300)),
            Beat::Waiting(g) if g.blocked() == Some(ms(74))
        ));
        // ...but not when the control stalled through that gap too: the
        // whole (virtual) machine was not run.
        let mut control = every(5, 5, 100);
        control.extend(every(5, 170, 300));
        assert!(matches!(beat(&g, &control, ms(300)), Beat::MachineStalled(_)));
    }

    #[test]
    fn a_long_block_is_waiting_though_the_control_missed_a_few_ticks() {
        // 760 ms blocked (770 ms, 10 of them queued), and the control, on a
        // busy machine, once went 44 ms without a tick inside that gap.
        let mut ticks = every(5, 5, 100);
        ticks.extend(every(5, 870, 1000));
        let g: Vec<Gap> = gaps(&ticks, ms(1000))
            .into_iter()
            .map(|mut g| {
                let long = g.len() >= GAP_LIMIT;
                g.cpu = Some(ms(if long { 1 } else { 0 }));
                g.queued = Some(ms(if long { 10 } else { 0 }));
                g
            })
            .collect();
        let mut control = every(5, 5, 400);
        control.extend(every(5, 444, 1000));
        assert!(matches!(beat(&g, &control, ms(1000)), Beat::Waiting(g) if g.len() == ms(775)));
    }
}
