//! A class's grades as one static HTML page (inline CSS and script, nothing
//! fetched), and a student's grades as JUnit XML for a CI system.
//!
//! The page is a table: a row per student, a column per exercise, each cell
//! coloured by its status, the first failing check as its text and the
//! verdict's message as its tooltip. A click on a header sorts by it; the
//! text box filters students by name. The page reads `?filter=NAME` and
//! `?sort=COLUMN&order=desc` on load, so a link can open it filtered (and a
//! test can drive it without a pointer). Everything a student could have
//! written (a name, a message quoting their code) is escaped: the script
//! reads only `textContent` and `data-` attributes, never HTML.

use crate::class_report::ClassReport;
use crate::report::{ExerciseReport, Graded};
use kata_protocol::Status;

/// The page of `report`.
pub fn html(report: &ClassReport) -> String {
    let audit = report.students.iter().any(|s| s.audit.is_some());
    let mut head = String::from("<th data-key=\"student\" data-type=\"text\">student</th>");
    head.push_str("<th data-key=\"points\" data-type=\"number\">points</th>");
    for column in &report.exercises {
        head.push_str(&format!(
            "<th data-key=\"{id}\" data-type=\"number\" title=\"{slug}, {points} points\">{id}</th>",
            id = escape(&column.id),
            slug = escape(&column.slug),
            points = column.points
        ));
    }
    if audit {
        head.push_str("<th data-key=\"audit\" data-type=\"number\">changed outside src/</th>");
    }
    let mut rows = String::new();
    for row in &report.students {
        let name = escape(&row.student);
        rows.push_str(&format!(
            "<tr data-student=\"{name}\"><td class=\"student\" data-sort=\"{name}\">{name}</td>\
             <td class=\"points\" data-sort=\"{p}\">{p} / {max}</td>",
            p = row.points,
            max = row.max_points
        ));
        for cell in &row.exercises {
            let medal = cell
                .medal
                .map(|m| format!(" <span class=\"medal\">{}</span>", m.name()))
                .unwrap_or_default();
            let checks = if cell.checks > 0 {
                format!(" ({}/{} checks)", cell.checks_passed, cell.checks)
            } else {
                String::new()
            };
            rows.push_str(&format!(
                "<td class=\"cell {status}\" data-sort=\"{points}\" title=\"{title}\">{text}{medal}<br><small>{points} pts{checks}</small></td>",
                status = cell.status.name(),
                points = cell.points,
                title = escape(cell.message.as_deref().unwrap_or(cell.status.name())),
                text = escape(&cell.text()),
            ));
        }
        if audit {
            let entries = row.audit.as_deref().unwrap_or_default();
            let list: String = entries
                .iter()
                .map(|e| format!("<li>{} ({})</li>", escape(&e.path), escape(&e.change)))
                .collect();
            let shown = if entries.is_empty() {
                "none".to_string()
            } else {
                format!(
                    "<details><summary>{} file(s)</summary><ul>{list}</ul></details>",
                    entries.len()
                )
            };
            rows.push_str(&format!(
                "<td class=\"audit\" data-sort=\"{}\">{shown}</td>",
                entries.len()
            ));
        }
        rows.push_str("</tr>\n");
    }
    let pin = format!(
        "kata {} · commit {} · grader hash {} · graded {}",
        escape(&report.kata),
        escape(report.commit.as_deref().unwrap_or("none")),
        escape(&report.grader_hash),
        escape(&report.graded_at)
    );
    PAGE.replace("{pin}", &pin)
        .replace("{head}", &head)
        .replace("{rows}", &rows)
        .replace("{count}", &report.students.len().to_string())
}

const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>kata: class report</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: 4px 8px; vertical-align: top; }
th { background: #f3f3f3; cursor: pointer; user-select: none; position: sticky; top: 0; }
th[aria-sort="ascending"]::after { content: " ▲"; }
th[aria-sort="descending"]::after { content: " ▼"; }
td.passed { background: #d8f5d8; } td.failed { background: #f8d7d7; }
td.inconclusive { background: #fff2c2; } td.not-attempted { background: #eee; color: #777; }
td.refused { background: #5a1d1d; color: #fff; } td.grader-error { background: #2b2b6b; color: #fff; }
.medal { font-weight: bold; } small { color: #555; } td.refused small { color: #ddd; }
#pin { color: #666; } #filter { margin: 0.5em 0; padding: 4px; width: 20em; }
</style></head>
<body>
<h1>Class report</h1>
<p id="pin">{pin}</p>
<p>Inconclusive checks (the machine could not tell) count as passed. Hover a cell for the verdict.</p>
<input id="filter" type="search" placeholder="filter students" aria-label="filter students">
<span id="shown">{count} students</span>
<table id="class"><thead><tr>{head}</tr></thead>
<tbody>
{rows}</tbody></table>
<script>
(function () {
  var table = document.getElementById("class");
  var body = table.tBodies[0];
  var filter = document.getElementById("filter");
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function apply() {
    var wanted = filter.value.toLowerCase(), shown = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var hit = row.getAttribute("data-student").toLowerCase().indexOf(wanted) >= 0;
      row.hidden = !hit;
      if (hit) shown++;
    });
    document.getElementById("shown").textContent = shown + " of " + body.rows.length + " students";
  }
  function sortBy(index, descending) {
    var numeric = headers[index].getAttribute("data-type") === "number";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[index].getAttribute("data-sort"), y = b.cells[index].getAttribute("data-sort");
      var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
      if (order === 0) order = a.getAttribute("data-student").localeCompare(b.getAttribute("data-student"));
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    headers.forEach(function (th, i) {
      if (i === index) th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    });
  }
  headers.forEach(function (th, index) {
    th.addEventListener("click", function () {
      sortBy(index, th.getAttribute("aria-sort") === "ascending");
    });
  });
  filter.addEventListener("input", apply);
  var params = new URLSearchParams(window.location.search);
  if (params.has("filter")) filter.value = params.get("filter");
  if (params.has("sort")) {
    headers.forEach(function (th, index) {
      if (th.getAttribute("data-key") === params.get("sort")) sortBy(index, params.get("order") === "desc");
    });
  }
  apply();
})();
</script>
</body></html>
"#;

/// `text` safe in HTML text and in a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

/// A student's grades as JUnit XML: a test suite per exercise, a test case
/// per check (a compile error or a refusal is one failing case named
/// `build`, an inconclusive check is skipped with its reason, as `kata
/// check --format junit` writes them); an exercise not attempted is one
/// skipped case named `attempt`.
pub fn junit(student: &str, reports: &[(String, Option<ExerciseReport>)]) -> String {
    let mut suites = String::new();
    let (mut total, mut failures) = (0, 0);
    for (slug, report) in reports {
        let slug = xml(slug);
        let mut cases = String::new();
        let (mut tests, mut failed) = (0, 0);
        let mut case = |name: &str, time: f64, inner: String, failing: bool| {
            tests += 1;
            failed += usize::from(failing);
            cases.push_str(&format!(
                "    <testcase classname=\"{slug}\" name=\"{}\" time=\"{time:.3}\">{inner}</testcase>\n",
                xml(name)
            ));
        };
        match report.as_ref().map(|r| &r.result) {
            None => case("attempt", 0.0, "<skipped message=\"not attempted\"/>".into(), false),
            Some(Graded::Checked { checks }) => {
                for check in checks {
                    let outcome = &check.outcome;
                    let mut body = outcome.message.clone();
                    for figure in &outcome.figures {
                        body.push_str(&format!(
                            "\n{}: {} (required: {})",
                            figure.label, figure.measured, figure.required
                        ));
                    }
                    for line in &outcome.details {
                        body.push_str(&format!("\n{line}"));
                    }
                    let (inner, failing) = match outcome.status {
                        Status::Passed => (String::new(), false),
                        Status::Failed => (
                            format!(
                                "<failure message=\"{}\">{}</failure>",
                                xml(&outcome.message),
                                xml(&body)
                            ),
                            true,
                        ),
                        Status::Inconclusive => {
                            (format!("<skipped message=\"{}\"/>", xml(&outcome.message)), false)
                        }
                    };
                    case(&check.name, check.elapsed.as_secs_f64(), inner, failing);
                }
            }
            Some(Graded::CompileError { diagnostics }) => {
                let text: Vec<&str> = diagnostics.iter().map(|d| d.rendered.as_str()).collect();
                let text = crate::lint::strip_ansi(&text.join("\n"));
                let inner =
                    format!("<failure message=\"does not compile\">{}</failure>", xml(&text));
                case("build", 0.0, inner, true);
            }
            Some(Graded::Refused { reasons }) => {
                let text: Vec<String> = reasons
                    .iter()
                    .map(|r| format!("{}: {}", r.file.display(), r.message))
                    .collect();
                let inner =
                    format!("<failure message=\"refused\">{}</failure>", xml(&text.join("\n")));
                case("build", 0.0, inner, true);
            }
            Some(Graded::BuildTimedOut { limit }) => {
                let inner = format!(
                    "<failure message=\"the build did not finish in {} s\"/>",
                    limit.as_secs()
                );
                case("build", 0.0, inner, true);
            }
            Some(Graded::GraderError { message }) => {
                let inner = format!(
                    "<error message=\"kata could not grade this\">{}</error>",
                    xml(message)
                );
                case("grade", 0.0, inner, true);
            }
        }
        total += tests;
        failures += failed;
        suites.push_str(&format!(
            "  <testsuite name=\"{slug}\" tests=\"{tests}\" failures=\"{failed}\">\n{cases}  </testsuite>\n"
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"{}\" tests=\"{total}\" failures=\"{failures}\">\n{suites}</testsuites>\n",
        xml(student)
    )
}

/// `text` safe in XML 1.0 text and attributes: control characters but tab
/// and newline dropped (learner text may hold any of them).
fn xml(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .filter(|c| !matches!(c, '\u{fffe}' | '\u{ffff}'))
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::class_report::{Cell, CellStatus, Column, Row};

    #[test]
    fn junit_keeps_only_what_xml_allows() {
        let text = "a\u{ffff}b\u{fffe}c\u{1}d\te\n<&>\"";
        assert_eq!(xml(text), "abcd\te\n&lt;&amp;&gt;&quot;");
    }

    #[test]
    fn learner_text_cannot_break_the_page() {
        let cell = Cell {
            id: "ex01".into(),
            status: CellStatus::Failed,
            points: 5.0,
            checks_passed: 1,
            checks: 2,
            first_failing_check: Some("order-kept".into()),
            message: Some("expected </td><script>alert(1)</script> \"x\"".into()),
            medal: None,
        };
        let columns = vec![Column { id: "ex01".into(), slug: "ex01-a".into(), points: 10 }];
        let report = ClassReport {
            kata: "0.1.0".into(),
            commit: None,
            grader_hash: "h".into(),
            graded_at: "t".into(),
            students: vec![Row::new("<script>alert('x')</script>", &columns, vec![cell])],
            exercises: columns,
        };
        let page = html(&report);
        assert_eq!(page.matches("<script>").count(), 1, "only the page's own script");
        assert_eq!(page.matches("</td>").count(), 3, "{page}");
        assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assert!(page.contains("failed: order-kept"));
    }
}
