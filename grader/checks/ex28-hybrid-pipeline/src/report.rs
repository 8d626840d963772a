//! What a run looked like: the three stages over time, how long each was at
//! work, and how much of the run they overlapped.

use kata_harness::picture;
use kata_harness::protocol::human_duration;
use std::time::Duration;

/// The spans of each stage, since the run started: fetches as the server
/// saw them, `process` calls and writes as the stages saw them.
pub struct Timeline {
    pub fetch: Vec<(Duration, Duration)>,
    pub process: Vec<(Duration, Duration)>,
    pub write: Vec<(Duration, Duration)>,
    /// How long the whole run took.
    pub elapsed: Duration,
}

impl Timeline {
    fn rows(&self) -> [(&'static str, Vec<(Duration, Duration)>); 3] {
        [
            ("fetch", self.fetch.clone()),
            ("process", self.process.clone()),
            ("write", self.write.clone()),
        ]
    }

    /// How long two or more stages were at work at the same time.
    pub fn overlap(&self) -> Duration {
        overlap(&self.rows().map(|(_, spans)| spans))
    }

    /// When the first write started.
    pub fn first_write(&self) -> Option<Duration> {
        self.write.iter().map(|s| s.0).min()
    }

    /// When the last fetch ended.
    pub fn last_fetch_end(&self) -> Option<Duration> {
        self.fetch.iter().map(|s| s.1).max()
    }

    /// The picture and a line on the overlap.
    pub fn lines(&self, title: &str) -> Vec<String> {
        let rows = self.rows();
        let mut lines = picture::phases(title, &rows);
        let busy: Vec<Duration> = rows.iter().map(|(_, s)| picture::busy(s)).collect();
        let one_after_another: Duration = busy.iter().sum();
        let overlap = self.overlap();
        let share = if self.elapsed.is_zero() {
            0.0
        } else {
            overlap.as_secs_f64() / self.elapsed.as_secs_f64()
        };
        lines.push(format!(
            "time per stage (at least one at work): fetch {}, process {}, write {}; \
             one after another that is {}, and the run took {}",
            human_duration(busy[0]),
            human_duration(busy[1]),
            human_duration(busy[2]),
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

/// How long at least two of `rows` had a span open at once.
pub fn overlap(rows: &[Vec<(Duration, Duration)>]) -> Duration {
    // A sweep over every start and end, counting open spans per row.
    let mut events: Vec<(Duration, usize, i64)> = Vec::new();
    for (row, spans) in rows.iter().enumerate() {
        for &(s, e) in spans.iter().filter(|s| s.1 > s.0) {
            events.push((s, row, 1));
            events.push((e, row, -1));
        }
    }
    events.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.cmp(&b.2)));
    let mut open = vec![0i64; rows.len()];
    let mut total = Duration::ZERO;
    let mut last = Duration::ZERO;
    for (t, row, delta) in events {
        if open.iter().filter(|&&n| n > 0).count() >= 2 {
            total += t.saturating_sub(last);
        }
        open[row] += delta;
        last = t;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn overlap_counts_only_two_or_more_stages() {
        let rows = [
            vec![(ms(0), ms(50))],
            vec![(ms(40), ms(60)), (ms(45), ms(55))],
            vec![(ms(58), ms(100))],
        ];
        // 40..50 (fetch + process) and 58..60 (process + write).
        assert_eq!(overlap(&rows), ms(12));
        assert_eq!(overlap(&[vec![(ms(0), ms(10))], vec![]]), ms(0));
    }
}
