//! Hostile: machine code, no `unsafe` needed, placed where the loader runs it.
//! expect-refused: `global_asm!`

std::arch::global_asm!(".section .init_array", ".quad 0", ".text");

pub fn parallel_map<T, R, F>(items: Vec<T>, f: F, n: usize) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let _ = (items, f, n);
    Vec::new()
}
