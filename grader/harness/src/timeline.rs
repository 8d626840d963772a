//! What a run of stages looked like: each stage's spans over time, how long
//! each was at work, and how much of the run they overlapped. The stages
//! are, say, the fetch, process and write stages of a pipeline, each span
//! one record's time in that stage.

use crate::picture;
use crate::protocol::human_duration;
use std::time::Duration;

/// Spans since the start of a run, `(start, end)`.
pub type Spans = Vec<(Duration, Duration)>;

/// The stages of one run, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeline {
    pub stages: Vec<(&'static str, Spans)>,
    /// How long the whole run took.
    pub elapsed: Duration,
}

impl Timeline {
    /// The spans of the stage called `name` (none if there is no such stage).
    pub fn spans(&self, name: &str) -> &[(Duration, Duration)] {
        self.stages.iter().find(|(n, _)| *n == name).map_or(&[], |(_, s)| s.as_slice())
    }

    /// When the stage called `name` first started.
    pub fn first_start(&self, name: &str) -> Option<Duration> {
        self.spans(name).iter().map(|s| s.0).min()
    }

    /// When the stage called `name` last ended.
    pub fn last_end(&self, name: &str) -> Option<Duration> {
        self.spans(name).iter().map(|s| s.1).max()
    }

    /// How long two or more stages were at work at the same time.
    pub fn overlap(&self) -> Duration {
        // A sweep over every start and end, counting open spans per stage.
        let mut events: Vec<(Duration, usize, i64)> = Vec::new();
        for (stage, (_, spans)) in self.stages.iter().enumerate() {
            for &(s, e) in spans.iter().filter(|s| s.1 > s.0) {
                events.push((s, stage, 1));
                events.push((e, stage, -1));
            }
        }
        events.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.cmp(&b.2)));
        let mut open = vec![0i64; self.stages.len()];
        let (mut total, mut last) = (Duration::ZERO, Duration::ZERO);
        for (t, stage, delta) in events {
            if open.iter().filter(|&&n| n > 0).count() >= 2 {
                total += t.saturating_sub(last);
            }
            open[stage] += delta;
            last = t;
        }
        total
    }

    /// The picture ([`picture::phases`]), each stage's time at work and
    /// how much of the run the stages overlapped.
    pub fn lines(&self, title: &str) -> Vec<String> {
        let rows: Vec<(&str, Spans)> = self.stages.iter().map(|(n, s)| (*n, s.clone())).collect();
        let mut lines = picture::phases(title, &rows);
        let busy: Vec<String> = rows
            .iter()
            .map(|(name, spans)| format!("{name} {}", human_duration(picture::busy(spans))))
            .collect();
        let one_after_another: Duration = rows.iter().map(|(_, s)| picture::busy(s)).sum();
        let overlap = self.overlap();
        let share = if self.elapsed.is_zero() {
            0.0
        } else {
            overlap.as_secs_f64() / self.elapsed.as_secs_f64()
        };
        lines.push(format!(
            "time per stage (at least one at work): {}; one after another that is {}, and the run \
             took {}",
            busy.join(", "),
            human_duration(one_after_another),
            human_duration(self.elapsed)
        ));
        lines.push(format!(
            "two or more stages at work at the same time: {} of the run ({:.0}%)",
            human_duration(overlap),
            share * 100.0
        ));
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ms;

    fn timeline() -> Timeline {
        Timeline {
            stages: vec![
                ("fetch", vec![(ms(0), ms(50))]),
                ("process", vec![(ms(40), ms(60)), (ms(45), ms(55))]),
                ("write", vec![(ms(58), ms(100))]),
            ],
            elapsed: ms(100),
        }
    }

    #[test]
    fn overlap_counts_only_two_or_more_stages() {
        // 40..50 (fetch + process) and 58..60 (process + write).
        assert_eq!(timeline().overlap(), ms(12));
        let apart =
            Timeline { stages: vec![("a", vec![(ms(0), ms(10))]), ("b", vec![])], elapsed: ms(10) };
        assert_eq!(apart.overlap(), ms(0));
    }

    #[test]
    fn stages_are_found_by_name_and_summed_up() {
        let t = timeline();
        assert_eq!(t.first_start("write"), Some(ms(58)));
        assert_eq!(t.last_end("fetch"), Some(ms(50)));
        assert_eq!(t.first_start("nothing"), None);
        let lines = t.lines("three stages");
        assert_eq!(lines.len(), 7, "{lines:#?}");
        assert!(lines[5].starts_with("time per stage (at least one at work): fetch 50 ms, process 20 ms, write 42 ms; one after another that is 112 ms"), "{}", lines[5]);
        assert!(lines[6].ends_with("12 ms of the run (12%)"), "{}", lines[6]);
    }
}
