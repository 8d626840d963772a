//! "At what size does the parallel version become faster?": the time of
//! one run on 1 thread and on the pool at each size, as lines of text for
//! the verdict and as a hand-written SVG chart.
//!
//! A size counts as a win for the pool only when it was at least [`WIN`]
//! times faster (and a loss only when it was that much slower): a busy
//! machine moves a single measurement by more than a few percent, and a
//! table that calls 1.01× a win contradicts itself at the next run.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

/// The speed-up from which a size counts as a win (and its inverse, a loss).
pub const WIN: f64 = 1.1;

/// `2.1 µs`, `68 µs`, `1.4 ms`, `14 ms`, `1.2 s`: three significant figures
/// at most, from microseconds up (`human_duration` stops at 0.1 ms).
pub fn short(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    let (value, unit) = if us < 1000.0 {
        (us, "µs")
    } else if us < 1e6 {
        (us / 1e3, "ms")
    } else {
        (us / 1e6, "s")
    };
    if value < 10.0 {
        format!("{value:.1} {unit}")
    } else {
        format!("{value:.0} {unit}")
    }
}

/// One size: the time of one run on 1 thread and on the whole pool.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub n: usize,
    pub one: Duration,
    pub many: Duration,
}

impl Point {
    pub fn speedup(&self) -> f64 {
        self.one.as_secs_f64() / self.many.as_secs_f64().max(1e-12)
    }

    /// "faster", "slower" or "same" (within [`WIN`]).
    pub fn verdict(&self) -> &'static str {
        match self.speedup() {
            s if s >= WIN => "faster",
            s if s <= 1.0 / WIN => "slower",
            _ => "same",
        }
    }
}

/// The smallest size from which the pool won at every larger size too;
/// `None` when it did not win at the largest size.
pub fn crossover(points: &[Point]) -> Option<usize> {
    points.iter().rev().take_while(|p| p.speedup() >= WIN).last().map(|p| p.n)
}

/// The points as a table with a bar per size: left of the axis when the
/// pool was slower, right when it was faster (a log scale: each `█` is a
/// factor of 2^(1/4), about 1.19), then the answer in a sentence.
pub fn lines(points: &[Point], threads: usize) -> Vec<String> {
    const CELLS_PER_DOUBLING: f64 = 4.0;
    const HALF: usize = 16;
    let mut out = vec![format!(
        "     n   1 thread   {threads} threads   speed-up   {:>w$}│{}",
        "slower ◀",
        "▶ faster",
        w = HALF
    )];
    for point in points {
        let speedup = point.speedup();
        let cells = ((speedup.log2().abs() * CELLS_PER_DOUBLING).round() as usize).min(HALF);
        let (left, right) = match point.verdict() {
            "faster" => (" ".repeat(HALF), "█".repeat(cells)),
            "slower" => {
                (format!("{}{}", " ".repeat(HALF - cells), "█".repeat(cells)), String::new())
            }
            _ => (format!("{:>HALF$}", "same"), String::new()),
        };
        out.push(format!(
            "  {:>4}   {:>8}   {:>9}   {:>7.2}×   {left}│{right}",
            point.n,
            short(point.one),
            short(point.many),
            speedup
        ));
    }
    out.push(match crossover(points) {
        Some(n) if Some(n) == points.first().map(|p| p.n) => {
            format!("Parallel won at every size measured, from n = {n} (at least {WIN}× faster).")
        }
        Some(n) => format!(
            "Crossover: parallel wins (at least {WIN}× faster) from n = {n} on. Below that, waking \
             {threads} threads and splitting the work saves less than it costs."
        ),
        None => format!(
            "Parallel did not win (by {WIN}× or more) at the largest size here: a busy machine, \
             or work split so finely that the splitting costs more than it saves."
        ),
    });
    out
}

/// Writes `svg` to `path`, making its folder.
///
/// # Errors
/// The file could not be written.
pub fn write(path: &Path, svg: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, svg)
}

/// A log-log chart titled `title`: time per run against n, one line for 1
/// thread and one for the pool, and the crossover marked.
pub fn svg(title: &str, points: &[Point], threads: usize) -> String {
    let (width, height) = (640.0, 400.0);
    let (left, right, top, bottom) = (80.0, 24.0, 40.0, 56.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let seconds = |d: Duration| d.as_secs_f64().max(1e-9);
    let (n_min, n_max) = (
        points.first().map_or(1, |p| p.n).max(1) as f64,
        points.last().map_or(2, |p| p.n).max(1) as f64,
    );
    let all: Vec<f64> = points.iter().flat_map(|p| [seconds(p.one), seconds(p.many)]).collect();
    // Whole decades around the data, so the grid lines are 1 µs, 10 µs, ...
    let t_lo = all.iter().copied().fold(1.0, f64::min).log10().floor();
    let t_hi = all.iter().copied().fold(1e-9, f64::max).log10().ceil().max(t_lo + 1.0);
    let x = |n: f64| {
        left + plot_w * (n.log2() - n_min.log2()) / (n_max.log2() - n_min.log2()).max(1e-9)
    };
    let y = |t: f64| top + plot_h * (t_hi - t.log10()) / (t_hi - t_lo);

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{}" y="22" text-anchor="middle" font-size="15">{title}, 1 thread vs {threads} threads (log-log)</text>"#,
        width / 2.0
    );
    for decade in (t_lo as i32)..=(t_hi as i32) {
        let t = 10f64.powi(decade);
        let _ = writeln!(
            s,
            r##"<line x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"##,
            width - right,
            left - 6.0,
            y(t) + 4.0,
            short(Duration::from_secs_f64(t)),
            y = y(t)
        );
    }
    for point in points {
        let px = x(point.n as f64);
        let _ = writeln!(
            s,
            r##"<line x1="{px:.1}" x2="{px:.1}" y1="{top}" y2="{}" stroke="#eee"/><text x="{px:.1}" y="{}" text-anchor="middle">{}</text>"##,
            height - bottom,
            height - bottom + 18.0,
            point.n
        );
    }
    let _ = writeln!(
        s,
        r##"<text x="{}" y="{}" text-anchor="middle">n</text><rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#444"/>"##,
        left + plot_w / 2.0,
        height - 14.0
    );
    if let Some(n) = crossover(points) {
        let px = x(n as f64);
        // The label goes on the side with room, so that it is never cut
        // off at the chart's right edge.
        let (lx, anchor) =
            if px > left + plot_w / 2.0 { (px - 6.0, "end") } else { (px + 6.0, "start") };
        let _ = writeln!(
            s,
            r##"<line x1="{px:.1}" x2="{px:.1}" y1="{top}" y2="{}" stroke="#2a7" stroke-dasharray="6 4" stroke-width="2"/><text x="{lx:.1}" y="{}" fill="#2a7" text-anchor="{anchor}">parallel wins from n = {n}</text>"##,
            height - bottom,
            height - bottom - 8.0
        );
    }
    for (pick, color, label, dy) in
        [(0, "#c33", "1 thread".to_string(), 0.0), (1, "#36c", format!("{threads} threads"), 18.0)]
    {
        let coords: Vec<(f64, f64)> = points
            .iter()
            .map(|p| (x(p.n as f64), y(seconds(if pick == 0 { p.one } else { p.many }))))
            .collect();
        let line: Vec<String> = coords.iter().map(|(a, b)| format!("{a:.1},{b:.1}")).collect();
        let _ = writeln!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{color}" stroke-width="2"/>"#,
            line.join(" ")
        );
        for (cx, cy) in &coords {
            let _ = writeln!(s, r#"<circle cx="{cx:.1}" cy="{cy:.1}" r="3.5" fill="{color}"/>"#);
        }
        let _ = writeln!(
            s,
            r#"<line x1="{}" x2="{}" y1="{ly:.1}" y2="{ly:.1}" stroke="{color}" stroke-width="2"/><text x="{}" y="{:.1}">{label}</text>"#,
            left + 12.0,
            left + 36.0,
            left + 42.0,
            top + 24.0 + dy,
            ly = top + 20.0 + dy
        );
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(n: usize, one_us: u64, many_us: u64) -> Point {
        Point { n, one: Duration::from_micros(one_us), many: Duration::from_micros(many_us) }
    }

    #[test]
    fn the_crossover_is_where_parallel_wins_for_good() {
        let points = [
            point(16, 2, 20),
            point(32, 10, 8),
            point(64, 80, 90),
            point(128, 600, 400),
            point(256, 5000, 2700),
        ];
        assert_eq!(crossover(&points), Some(128));
        assert_eq!(crossover(&points[..3]), None);
        assert_eq!(crossover(&points[1..2]), Some(32));
        // 1.05× is a tie, not a win.
        assert_eq!(crossover(&[point(16, 105, 100)]), None);
    }

    #[test]
    fn the_table_agrees_with_its_own_answer() {
        let points = [point(16, 102, 100), point(64, 20, 40), point(512, 5000, 2600)];
        let lines = lines(&points, 4);
        assert_eq!(lines.len(), 5);
        assert!(lines[1].contains("1.02×") && lines[1].contains("same│"), "{}", lines[1]);
        assert!(lines[2].contains("0.50×") && lines[2].ends_with("████│"), "{}", lines[2]);
        assert!(lines[3].contains("│████"), "{}", lines[3]);
        assert!(
            lines[4].starts_with("Crossover: parallel wins (at least 1.1× faster) from n = 512")
        );
        let tie = super::lines(&[point(512, 102, 100)], 4);
        assert!(tie[2].starts_with("Parallel did not win"), "{}", tie[2]);
    }

    #[test]
    fn short_durations() {
        assert_eq!(short(Duration::from_nanos(2_140)), "2.1 µs");
        assert_eq!(short(Duration::from_micros(68)), "68 µs");
        assert_eq!(short(Duration::from_micros(1_400)), "1.4 ms");
        assert_eq!(short(Duration::from_millis(14)), "14 ms");
        assert_eq!(short(Duration::from_millis(1_200)), "1.2 s");
    }

    #[test]
    fn the_svg_is_one_document_with_both_lines_and_a_label_inside_it() {
        let points = [point(16, 2, 20), point(64, 90, 60), point(512, 5000, 2600)];
        let svg = svg("matmul", &points, 4);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("parallel wins from n = 64"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        // A crossover at the right edge: the label ends at the line.
        let late = super::svg("matmul", &[point(16, 2, 20), point(512, 5000, 2600)], 4);
        assert!(late.contains(r#"text-anchor="end">parallel wins from n = 512"#), "{late}");
    }
}
