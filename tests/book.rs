//! The book: built by mdbook, tested by `mdbook test`, and looked at in a
//! real headless browser. Written by the book's issue; see tests/book.rs's
//! history.

#[test]
fn placeholder_until_the_book_tests_land() {
    assert!(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../book/book.toml")).is_file());
}
