//! Hostile: a macro splices the module name into a path.
//! expect-refused: a path whose module comes from a macro argument

macro_rules! call {
    ($module:ident) => {
        std::$module::exit(0)
    };
}

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let _ = (items, f, n);
    call!(process)
}
