//! Hostile: bakes a secret of the environment into the code.
//! expect-refused: `env!`

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let secret = option_env!("GITHUB_TOKEN").unwrap_or("none");
    panic!("the token is {secret}; {}", items.len() + n + std::mem::size_of_val(&f))
}
