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
pub fn in_flight(
    title: &str,
    intervals: &[(Duration, Duration)],
    limit: Option<usize>,
) -> Vec<String> {
    draw(title, intervals, limit, plain())
}

fn draw(
    title: &str,
    intervals: &[(Duration, Duration)],
    limit: Option<usize>,
    plain: bool,
) -> Vec<String> {
    let (Some(first), Some(last)) =
        (intervals.iter().map(|i| i.0).min(), intervals.iter().map(|i| i.1).max())
    else {
        return vec![format!("{title}: nothing happened")];
    };
    let span = last.saturating_sub(first).max(Duration::from_millis(1));
    let (step, columns) = columns_for(span);
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
    let (full, line, axis, corner, tick) =
        if plain { ('#', '-', '-', '+', '|') } else { ('█', '─', '─', '└', '┤') };
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
        // A squeezed row covers `per_row` levels; the limit's row says the
        // limit itself.
        let (label, note) = match limit {
            Some(l) if is_limit => (l, "  ← limit"),
            _ => (level, ""),
        };
        out.push(format!("{label:>4} {tick}{}{note}", cells.trim_end()));
    }
    out.push(format!("     {corner}{} {}", axis.to_string().repeat(columns), human_duration(span)));
    out
}

/// The columns of a chart spanning `span`: a step from a fixed ladder that
/// keeps the chart at most 60 columns wide, and how many columns.
fn columns_for(span: Duration) -> (Duration, usize) {
    let span = span.max(Duration::from_millis(1));
    let step = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000]
        .map(Duration::from_millis)
        .into_iter()
        .find(|&step| span.as_nanos().div_ceil(step.as_nanos()) <= 60)
        .unwrap_or(span / 60 + Duration::from_micros(1));
    let columns = usize::try_from(span.as_nanos().div_ceil(step.as_nanos())).unwrap_or(60).max(1);
    (step, columns)
}

/// The start of column `column` of width `step`.
fn column_start(step: Duration, column: usize) -> Duration {
    step * u32::try_from(column).unwrap_or(u32::MAX)
}

/// A heartbeat over time: one row marks the columns in which the heartbeat
/// ticked, the row below marks (`^`) every gap between ticks of `threshold`
/// or more, from the start (`0`) to `end`. The ticks are, say, the times a
/// task on a runtime's thread woke up: a gap is a time that thread was busy
/// or blocked.
pub fn heartbeat(
    title: &str,
    ticks: &[Duration],
    end: Duration,
    threshold: Duration,
) -> Vec<String> {
    draw_heartbeat(title, ticks, end, threshold, plain())
}

fn draw_heartbeat(
    title: &str,
    ticks: &[Duration],
    end: Duration,
    threshold: Duration,
    plain: bool,
) -> Vec<String> {
    let end = ticks.iter().copied().fold(end, Duration::max);
    let (step, columns) = columns_for(end);
    let mut points: Vec<Duration> = ticks.to_vec();
    points.sort();
    // Gaps of `threshold` or more, between 0, each tick and the end.
    let mut long = Vec::new();
    let mut last = Duration::ZERO;
    let mut longest = Duration::ZERO;
    for &t in points.iter().chain([&end]) {
        longest = longest.max(t - last);
        if t - last >= threshold {
            long.push((last, t));
        }
        last = t;
    }
    let (full, side, axis, corner, mark) =
        if plain { ('#', '|', '-', '+', '^') } else { ('█', '│', '─', '└', '^') };
    let ticked: String = (0..columns)
        .map(|c| {
            let (from, to) = (column_start(step, c), column_start(step, c + 1));
            if points.iter().any(|&t| from <= t && t < to) {
                full
            } else {
                ' '
            }
        })
        .collect();
    let marks: String = (0..columns)
        .map(|c| {
            let middle = column_start(step, c) + step / 2;
            if long.iter().any(|&(from, to)| from < middle && middle < to) {
                mark
            } else {
                ' '
            }
        })
        .collect();
    vec![
        format!(
            "{title} (one column per {}; {mark} marks a gap of {} or more)",
            human_duration(step),
            human_duration(threshold)
        ),
        format!(
            " ticks {side}{ticked}{side} {} tick{}",
            ticks.len(),
            if ticks.len() == 1 { "" } else { "s" }
        ),
        format!("  gaps {side}{marks}{side} longest {}", human_duration(longest)),
        format!("       {corner}{} {}", axis.to_string().repeat(columns), human_duration(end)),
    ]
}

/// When each phase of some work was busy, one row per phase over a shared
/// time axis: a column is filled when at least one of the phase's intervals
/// `[start, end)` overlaps it. Each row ends with the phase's busy time and
/// the most of its intervals open at once. The phases are, say, the fetch,
/// process and write stages of a pipeline.
pub fn phases(title: &str, rows: &[(&str, Vec<(Duration, Duration)>)]) -> Vec<String> {
    draw_phases(title, rows, plain())
}

fn draw_phases(
    title: &str,
    rows: &[(&str, Vec<(Duration, Duration)>)],
    plain: bool,
) -> Vec<String> {
    let end =
        rows.iter().flat_map(|(_, spans)| spans.iter().map(|s| s.1)).max().unwrap_or_default();
    if end.is_zero() {
        return vec![format!("{title}: nothing happened")];
    }
    let (step, columns) = columns_for(end);
    let (full, side, axis, corner) =
        if plain { ('#', '|', '-', '+') } else { ('█', '│', '─', '└') };
    let width = rows.iter().map(|(name, _)| name.chars().count()).max().unwrap_or(0);
    let mut out = vec![format!("{title} (one column per {})", human_duration(step))];
    for (name, spans) in rows {
        let cells: String = (0..columns)
            .map(|c| {
                let (from, to) = (column_start(step, c), column_start(step, c + 1));
                if spans.iter().any(|&(s, e)| s < to && from < e.max(s + Duration::from_nanos(1))) {
                    full
                } else {
                    ' '
                }
            })
            .collect();
        out.push(format!(
            "  {name:<width$} {side}{cells}{side} busy {}, at most {} at once",
            human_duration(busy(spans)),
            most_at_once(spans)
        ));
    }
    out.push(format!(
        "  {:<width$} {corner}{} {}",
        "",
        axis.to_string().repeat(columns),
        human_duration(end)
    ));
    out
}

/// How long at least one of `spans` was open.
pub fn busy(spans: &[(Duration, Duration)]) -> Duration {
    let mut sorted: Vec<(Duration, Duration)> =
        spans.iter().copied().filter(|s| s.1 > s.0).collect();
    sorted.sort();
    let mut total = Duration::ZERO;
    let mut current: Option<(Duration, Duration)> = None;
    for (s, e) in sorted {
        current = match current {
            Some((cs, ce)) if s <= ce => Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += ce - cs;
                Some((s, e))
            }
            None => Some((s, e)),
        };
    }
    if let Some((cs, ce)) = current {
        total += ce - cs;
    }
    total
}

/// The most of `spans` (half-open) open at one instant.
pub fn most_at_once(spans: &[(Duration, Duration)]) -> usize {
    let mut events: Vec<(Duration, i8)> = Vec::with_capacity(spans.len() * 2);
    for &(s, e) in spans.iter().filter(|s| s.1 > s.0) {
        events.push((s, 1));
        events.push((e, -1));
    }
    // Ends before starts at the same instant: half-open intervals.
    events.sort();
    let (mut now, mut most) = (0i64, 0i64);
    for (_, delta) in events {
        now += i64::from(delta);
        most = most.max(now);
    }
    usize::try_from(most).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ms;

    #[test]
    fn draws_levels_and_marks_the_limit() {
        // Two overlapping intervals, then one: 2 at once, limit 3.
        let chart = draw(
            "in flight",
            &[(ms(0), ms(100)), (ms(0), ms(100)), (ms(100), ms(200))],
            Some(3),
            true,
        );
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
        let limited = draw("x", &many, Some(23), true);
        assert!(
            limited.iter().any(|row| row.starts_with("  23 |") && row.ends_with("← limit")),
            "{limited:#?}"
        );
    }

    #[test]
    fn a_heartbeat_shows_its_ticks_and_marks_long_gaps() {
        let mut ticks: Vec<Duration> = (1..=10).map(|i| ms(i * 5)).collect();
        ticks.extend((0..10).map(|i| ms(150 + i * 5)));
        let chart = draw_heartbeat("beat", &ticks, ms(200), ms(50), true);
        assert_eq!(chart.len(), 4, "{chart:#?}");
        assert_eq!(chart[0], "beat (one column per 5.0 ms; ^ marks a gap of 50 ms or more)");
        // 40 columns of 5 ms: ticks in 1..=10 and 30..=39, the gap 50..150 marked.
        let ticked = format!(" {}{}{}", "#".repeat(10), " ".repeat(19), "#".repeat(10));
        assert_eq!(chart[1], format!(" ticks |{ticked}| 20 ticks"));
        assert_eq!(
            chart[2],
            format!(
                "  gaps |{}{}{}| longest 100 ms",
                " ".repeat(10),
                "^".repeat(20),
                " ".repeat(10)
            )
        );
        assert!(chart[3].starts_with("       +----"), "{}", chart[3]);
        assert!(chart[3].ends_with(" 200 ms"), "{}", chart[3]);
        let fancy = draw_heartbeat("beat", &ticks, ms(200), ms(50), false);
        assert!(fancy[1].contains('█') && fancy[3].contains('└'));
    }

    #[test]
    fn a_heartbeat_that_never_ticked_is_one_long_gap() {
        let chart = draw_heartbeat("beat", &[], ms(100), ms(50), true);
        assert!(chart[1].starts_with(" ticks |     "), "{chart:#?}");
        assert!(chart[2].ends_with("| longest 100 ms"), "{chart:#?}");
        assert!(!chart[2].contains("^ "), "{chart:#?}");
    }

    #[test]
    fn phases_share_one_axis_and_report_busy_time() {
        let rows = [
            ("fetch", vec![(ms(0), ms(40)), (ms(10), ms(50))]),
            ("process", vec![(ms(50), ms(60))]),
            ("write", vec![(ms(60), ms(100))]),
        ];
        let chart = draw_phases("pipeline", &rows, true);
        assert_eq!(chart.len(), 5, "{chart:#?}");
        assert_eq!(chart[0], "pipeline (one column per 2.0 ms)");
        assert_eq!(
            chart[1],
            format!(
                "  fetch   |{}{}| busy 50 ms, at most 2 at once",
                "#".repeat(25),
                " ".repeat(25)
            )
        );
        assert!(chart[2].contains(&format!(
            "|{}{}{}|",
            " ".repeat(25),
            "#".repeat(5),
            " ".repeat(20)
        )));
        assert!(chart[3].ends_with("| busy 40 ms, at most 1 at once"));
        assert!(chart[4].ends_with(" 100 ms"));
        assert_eq!(draw_phases("p", &[("a", vec![])], true), ["p: nothing happened"]);
    }

    #[test]
    fn busy_time_merges_overlaps_and_most_at_once_is_half_open() {
        let spans = [(ms(0), ms(10)), (ms(5), ms(20)), (ms(30), ms(40)), (ms(40), ms(45))];
        assert_eq!(busy(&spans), ms(35));
        assert_eq!(most_at_once(&spans), 2);
        assert_eq!(most_at_once(&[(ms(0), ms(10)), (ms(10), ms(20))]), 1);
        assert_eq!(busy(&[]), Duration::ZERO);
    }
}
