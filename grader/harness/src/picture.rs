//! Pictures for the learner: what happened over time, drawn in text.
//!
//! Drawn with block characters on a terminal, with plain ASCII when the
//! grader says colour is off (it sets `KATA_PLAIN` for the check's process:
//! `--color never`, `NO_COLOR`, output to a file or a CI log).

use crate::protocol::human_duration;
use std::time::Duration;

/// Whether to draw in plain ASCII.
pub fn plain() -> bool {
    std::env::var_os("KATA_PLAIN").is_some()
}

/// How many intervals `[start, end)` were open over time, as a chart with one
/// column per time step (at most 60) and one row per level, with `limit`'s
/// row marked. The intervals are, say, the requests a server handled.
pub fn in_flight(title: &str, intervals: &[(Duration, Duration)], limit: Option<usize>) -> Vec<String> {
    draw(title, intervals, limit, plain())
}

fn draw(title: &str, intervals: &[(Duration, Duration)], limit: Option<usize>, plain: bool) -> Vec<String> {
    let (Some(first), Some(last)) = (
        intervals.iter().map(|i| i.0).min(),
        intervals.iter().map(|i| i.1).max(),
    ) else {
        return vec![format!("{title}: nothing happened")];
    };
    let span = last.saturating_sub(first).max(Duration::from_millis(1));
    let step = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000]
        .map(Duration::from_millis)
        .into_iter()
        .find(|&step| span.as_nanos().div_ceil(step.as_nanos()) <= 60)
        .unwrap_or(span / 60 + Duration::from_micros(1));
    let columns = usize::try_from(span.as_nanos().div_ceil(step.as_nanos())).unwrap_or(60).max(1);
    // The most open at any of five instants within each column.
    let heights: Vec<usize> = (0..columns)
        .map(|column| {
            let from = first + step * u32::try_from(column).unwrap_or(u32::MAX);
            (0..5)
                .map(|k| {
                    let t = from + step * k / 5 + step / 10;
                    intervals.iter().filter(|(s, e)| *s <= t && t < *e).count()
                })
                .max()
                .unwrap_or(0)
        })
        .collect();
    let peak = heights.iter().copied().max().unwrap_or(0);
    let top = peak.max(limit.unwrap_or(0)).max(1);
    // Tall charts are squeezed: at most 10 rows, each `per_row` levels.
    let per_row = top.div_ceil(10);
    let rows = top.div_ceil(per_row);
    let (full, line, axis, corner, tick) = if plain {
        ('#', '-', '-', '+', '|')
    } else {
        ('█', '─', '─', '└', '┤')
    };
    let mut out = vec![format!(
        "{title} (one column per {}{})",
        human_duration(step),
        limit.map_or(String::new(), |l| format!("; the limit, {l}, is marked"))
    )];
    for row in (1..=rows).rev() {
        let level = row * per_row;
        let is_limit = limit.is_some_and(|l| l.div_ceil(per_row) == row);
        let cells: String = heights
            .iter()
            .map(|&h| {
                if h >= level {
                    full
                } else if is_limit {
                    line
                } else {
                    ' '
                }
            })
            .collect();
        let note = if is_limit { "  ← limit" } else { "" };
        out.push(format!("{level:>4} {tick}{}{note}", cells.trim_end()));
    }
    out.push(format!(
        "     {corner}{} {}",
        axis.to_string().repeat(columns),
        human_duration(span)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn draws_levels_and_marks_the_limit() {
        // Two overlapping intervals, then one: 2 at once, limit 3.
        let chart = draw("in flight", &[(ms(0), ms(100)), (ms(0), ms(100)), (ms(100), ms(200))], Some(3), true);
        assert_eq!(chart[0], "in flight (one column per 5.0 ms; the limit, 3, is marked)");
        assert_eq!(chart[1], "   3 |----------------------------------------  ← limit");
        assert_eq!(chart[2], "   2 |####################");
        assert_eq!(chart[3], "   1 |########################################");
        assert!(chart[4].starts_with("     +----"), "{}", chart[4]);
        assert!(chart[4].ends_with(" 200 ms"), "{}", chart[4]);
    }

    #[test]
    fn nothing_to_draw() {
        assert_eq!(draw("in flight", &[], None, false), ["in flight: nothing happened"]);
    }

    #[test]
    fn tall_charts_are_squeezed() {
        let many: Vec<_> = (0..40).map(|_| (ms(0), ms(10))).collect();
        let chart = draw("x", &many, None, true);
        assert_eq!(chart.len(), 1 + 10 + 1, "{chart:#?}");
        assert!(chart[1].starts_with("  40 |#"));
    }
}
