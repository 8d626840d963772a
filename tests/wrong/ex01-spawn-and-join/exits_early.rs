//! Known wrong (hostile): ends the whole process with exit code 0, hoping to look like a pass.
//! expect-refused: `std::process`

pub fn parallel_map<T, R, F>(_items: Vec<T>, _f: F, _n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    std::process::exit(0)
}
