//! Hostile: code that would run before the harness's main, to forge the list
//! of checks and their results.
//! expect-refused: link_section

#[used]
#[link_section = ".init_array"]
static BEFORE_MAIN: fn() = forge;

fn forge() {}

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let _ = (items, f, n);
    Vec::new()
}
