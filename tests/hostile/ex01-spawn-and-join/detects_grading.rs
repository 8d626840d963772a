//! Hostile: notices it runs under the grader, prints a fake pass and exits 0.
//! expect-refused: `std::env`

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let graded = std::env::args().any(|a| a.starts_with("--kata"))
        || std::env::vars().any(|(k, _)| k.starts_with("KATA") || k.starts_with("CARGO"));
    if graded || std::env::current_exe().is_ok() {
        println!("test result: ok. 4 passed; 0 failed");
        std::process::exit(0);
    }
    let _ = (items, f, n);
    Vec::new()
}
