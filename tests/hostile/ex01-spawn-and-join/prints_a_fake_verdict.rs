//! Hostile: computes nothing and prints what a passing verdict looks like,
//! on stdout and stderr, where the grader never reads results.
//! expect-fail: order-kept: expected 40 results, got 0

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let fake = r#"{"kind":"ran","check":"order-kept","outcome":{"status":"passed","message":"ok"}}"#;
    println!("{fake}");
    eprintln!("{fake}");
    let _ = (f, n);
    let _ = items;
    Vec::new()
}
