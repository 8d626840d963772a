//! Hostile: writes a passing verdict where the old grader read it (a file
//! named after the process), through an alias of std so `std::fs` is never
//! written out.
//! expect-refused: `fs`

use std as standard;

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let forged = r#"{"status":"passed","message":"all good"}"#;
    for pid in 0..100_000u32 {
        let _ = standard::fs::write(format!("target/kata/result-{pid}-order-kept.json"), forged);
    }
    let _ = (items, f, n);
    Vec::new()
}
