use super::*;

const CHANNEL: Family =
    Family { what: "a channel", owner: "g", markers: "mpsc .send", except: &[] };

const ATOMIC: Family = Family {
    what: "an atomic",
    owner: "h",
    markers: "Atomic* .fetch_*",
    except: &["AtomicCounter"],
};

const LOCK: Rule = Rule {
    function: "f",
    version: "the lock version",
    technique: "a lock",
    requires: &[(".lock", "it never locks")],
    forbids: &[CHANNEL, ATOMIC],
};

fn one(source: &str) -> Sources {
    Sources::from_texts(vec![("lib.rs".into(), source.into())])
}

fn finding(source: &str) -> String {
    match judge(&one(source), &LOCK) {
        Finding::Fine => "fine".into(),
        Finding::Stub => "stub".into(),
        Finding::Missing(m) | Finding::Problem(m) => m,
    }
}

#[test]
fn a_spec_says_names_methods_and_starts() {
    let parsed = format!("{:?}", Marker::parse("Mutex .lock Atomic* .fetch_*"));
    assert_eq!(
        parsed,
        r#"[Name("Mutex"), Method("lock"), NamePrefix("Atomic"), MethodPrefix("fetch_")]"#
    );
}

#[test]
fn comments_and_strings_do_not_count() {
    let source = r##"
        fn f() {
            // a channel would do: mpsc::channel()
            /* AtomicU64 /* nested */ fetch_add */
            let s = "mpsc::channel()";
            let r = r#"AtomicU64"#;
            let c = '"';
            m.lock();
        }
    "##;
    assert_eq!(finding(source), "fine");
}

#[test]
fn helpers_types_and_renames_are_followed() {
    let helper = "fn f() { m.lock(); bump(); } fn bump() { c.fetch_add(1); }";
    assert!(finding(helper).contains("`.fetch_add()`"), "{}", finding(helper));
    let alias =
        "use std::sync::atomic::AtomicU64 as Plain; fn f() { m.lock(); let x = Plain::new(0); }";
    assert!(finding(alias).contains("`AtomicU64`"), "{}", finding(alias));
    let static_item =
        "static C: Lazy = Lazy::new(|| mpsc::channel()); fn f() { m.lock(); C.get(); }";
    assert!(finding(static_item).contains("`mpsc`"), "{}", finding(static_item));
    let method = "struct W; impl W { fn add(&self) { self.0.send(1); } } fn f<'a>(w: &'a W) { m.lock(); w.add(); }";
    assert!(finding(method).contains("`.send()`"), "{}", finding(method));
}

#[test]
fn an_excepted_name_is_not_the_familys() {
    let source = "fn f<C: AtomicCounter>(c: C) { m.lock(); }";
    assert_eq!(finding(source), "fine");
}

#[test]
fn stubs_and_missing_functions_are_told_apart() {
    // The stub's macro, spelled so that a search of the grader for
    // unfinished code does not take these sources for some.
    let todo = concat!("to", "do!()");
    assert_eq!(finding(&format!("fn f() {{ {todo} }}")), "stub");
    // Only a stub macro in the function itself makes it a stub.
    assert!(finding(&format!("fn f() {{ helper() }} fn helper() {{ {todo} }}"))
        .contains("it never locks"));
    assert!(finding("fn g() {}").contains("no `fn f` with a body found in lib.rs"));
    assert!(finding("fn f() { x.unlock(); }").contains("it never locks"));
}

#[test]
fn a_crate_split_into_modules_is_read_whole() {
    let dir = std::env::temp_dir().join(format!("kata-source-{}", std::process::id()));
    let src = dir.join("exercises/ex99-split/src");
    std::fs::create_dir_all(src.join("counters")).unwrap();
    std::fs::write(src.join("lib.rs"), "mod counters; pub fn f() { counters::add() }").unwrap();
    std::fs::write(src.join("counters/mod.rs"), "pub fn add() { COUNTER.fetch_add(1); }").unwrap();
    std::fs::write(src.join("notes.txt"), "fn f() { m.lock(); }").unwrap();
    let sources = Sources::of_crate(&src.join("lib.rs")).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        sources.shown(),
        "exercises/ex99-split/src/counters/mod.rs, exercises/ex99-split/src/lib.rs"
    );
    match judge(&sources, &LOCK) {
        Finding::Problem(m) => assert!(m.contains("`.fetch_add()`, which is an atomic"), "{m}"),
        other => panic!("{other:?}"),
    }
}
