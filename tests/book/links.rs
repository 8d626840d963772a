//! Following every internal link of the built book, as a reader clicking
//! through it would: each `href` and `src` of each HTML page must name a file
//! of the book, and each `#anchor` an element of that page with that id.
//!
//! The pages are mdbook's own output, so a small scanner is enough: it reads
//! the `href="…"`/`src="…"` attributes of tags (not the text inside
//! `<script>` elements, where code builds URLs at run time) and the `id` and
//! `name` attributes that anchors point at. Links with a scheme (`https:`,
//! `mailto:`, ...) leave the book and are not followed.

use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

/// Every broken internal link of the HTML pages under `root`, one line each:
/// `page.html: "target" (what is wrong)`. Empty when all resolve. Also
/// returns how many links were followed.
pub fn broken_links(root: &Path) -> (Vec<String>, usize) {
    let mut ids: HashMap<PathBuf, BTreeSet<String>> = HashMap::new();
    let mut broken = Vec::new();
    let mut followed = 0;
    let pages: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(walkdir::DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap_or_default();
        let shown = page
            .strip_prefix(root)
            .unwrap_or(page)
            .display()
            .to_string();
        let tags = tags_outside_scripts(&html);
        // mdbook's 404 page sets `<base href="/">`: its links are relative to
        // the site's root, wherever the page is.
        let base = attribute_values(&tags, "base", &["href"])
            .into_iter()
            .next()
            .map(|href| resolve(root, root, &href))
            .unwrap_or_else(|| Some(page.parent().unwrap_or(root).to_path_buf()));
        for link in attribute_values(&tags, "", &["href", "src"]) {
            let link = unescape(&link);
            if link.is_empty() || leaves_the_book(&link) {
                continue;
            }
            followed += 1;
            let (path, anchor) = match link.split_once('#') {
                Some((path, anchor)) => (path, Some(anchor)),
                None => (link.as_str(), None),
            };
            let path = path.split('?').next().unwrap_or("");
            let target = if path.is_empty() {
                Some(page.clone())
            } else {
                base.as_deref()
                    .and_then(|base| resolve(root, base, path))
                    .map(|t| if t.is_dir() { t.join("index.html") } else { t })
            };
            let Some(target) = target.filter(|t| t.is_file()) else {
                broken.push(format!("{shown}: \"{link}\" (no such file in the book)"));
                continue;
            };
            let Some(anchor) = anchor.filter(|a| !a.is_empty()) else {
                continue;
            };
            if target.extension().is_none_or(|e| e != "html") {
                continue;
            }
            let anchor = super::server::percent_decode(anchor).unwrap_or(anchor.to_string());
            let known = ids.entry(target.clone()).or_insert_with(|| {
                let html = std::fs::read_to_string(&target).unwrap_or_default();
                attribute_values(&tags_outside_scripts(&html), "", &["id", "name"])
                    .into_iter()
                    .map(|id| unescape(&id))
                    .collect()
            });
            if !known.contains(&anchor) {
                broken.push(format!(
                    "{shown}: \"{link}\" (no element with id \"{anchor}\" in {})",
                    target.strip_prefix(root).unwrap_or(&target).display()
                ));
            }
        }
    }
    (broken, followed)
}

/// Whether a link has a scheme (`https:`, `mailto:`, `javascript:`) or is
/// protocol-relative (`//host/...`): either way it leaves the book.
fn leaves_the_book(link: &str) -> bool {
    if link.starts_with("//") {
        return true;
    }
    let scheme: String = link
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        .collect();
    !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && link[scheme.len()..].starts_with(':')
}

/// `link` resolved against `base` (a folder), kept inside `root`; `None` if
/// it climbs out or cannot be decoded.
fn resolve(root: &Path, base: &Path, link: &str) -> Option<PathBuf> {
    let decoded = super::server::percent_decode(link)?;
    let mut path = if decoded.starts_with('/') {
        root.to_path_buf()
    } else {
        base.to_path_buf()
    };
    for component in Path::new(decoded.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => path.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if !path.pop() || !path.starts_with(root) {
                    return None;
                }
            }
            _ => return None,
        }
    }
    path.starts_with(root).then_some(path)
}

/// The opening tags of `html` (`<a href=...>`, without the `<` and `>`),
/// skipping comments and the text inside `<script>` and `<style>` elements.
fn tags_outside_scripts(html: &str) -> Vec<&str> {
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let Some(end) = tag_end(rest) else { break };
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        let name = tag_name(tag);
        tags.push(tag);
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            rest = find_ignoring_case(rest, &close).map_or("", |at| &rest[at..]);
        }
    }
    tags
}

/// The index of the `>` that ends a tag, skipping quoted attribute values.
fn tag_end(tag: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn tag_name(tag: &str) -> String {
    tag.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase()
}

fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .to_ascii_lowercase()
        .find(&needle.to_ascii_lowercase())
}

/// The values of the attributes `names` of the tags named `element` (any
/// tag when `element` is empty).
fn attribute_values(tags: &[&str], element: &str, names: &[&str]) -> Vec<String> {
    let mut values = Vec::new();
    for tag in tags {
        if !element.is_empty() && tag_name(tag) != element {
            continue;
        }
        let mut rest = &tag[tag_name(tag).len()..];
        while let Some((name, value, after)) = next_attribute(rest) {
            if names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                values.push(value.to_string());
            }
            rest = after;
        }
    }
    values
}

/// The next `name="value"` (or single-quoted, or bare) attribute in `text`:
/// its name, its value, and the rest of the text. Attributes without a value
/// are skipped.
fn next_attribute(text: &str) -> Option<(&str, &str, &str)> {
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            return None;
        }
        let name_len = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let (name, after_name) = rest.split_at(name_len);
        let after_name = after_name.trim_start();
        let Some(value_part) = after_name.strip_prefix('=') else {
            rest = after_name;
            if name.is_empty() {
                // A stray character: step over it.
                rest = rest.get(1..)?;
            }
            continue;
        };
        let value_part = value_part.trim_start();
        let (value, after) = match value_part.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let inner = &value_part[1..];
                let end = inner.find(q)?;
                (&inner[..end], &inner[end + 1..])
            }
            _ => {
                let end = value_part
                    .find(char::is_whitespace)
                    .unwrap_or(value_part.len());
                value_part.split_at(end)
            }
        };
        return Some((name, value, after));
    }
}

/// The few HTML character references mdbook writes inside attributes.
fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_read_from_tags_not_scripts() {
        let html = r#"<a href="a.html#x" class=c>t</a><script>let s = '<a href="no.html">';</script>
<!-- <a href="comment.html"> --><img src='i.png' alt><p id=x>"#;
        let tags = tags_outside_scripts(html);
        assert_eq!(
            attribute_values(&tags, "", &["href", "src"]),
            ["a.html#x", "i.png"]
        );
        assert_eq!(attribute_values(&tags, "p", &["id"]), ["x"]);
    }

    #[test]
    fn schemes_leave_the_book_and_paths_do_not() {
        assert!(leaves_the_book("https://rustup.rs"));
        assert!(leaves_the_book("mailto:a@b.c"));
        assert!(leaves_the_book("//cdn.example/x.js"));
        assert!(!leaves_the_book("exercises/ex01.html#a:b"));
        assert!(!leaves_the_book("../index.html"));
    }
}
