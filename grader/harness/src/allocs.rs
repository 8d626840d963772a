//! Memory held, counted by the allocator: a checks binary installs
//! [`Counting`] as its global allocator, and [`held_by`] says how many bytes
//! a piece of code left allocated on the calling thread.
//!
//! Peak memory of the process ([`crate::footprint::peak_memory`]) shows
//! copies of megabytes; this counts bytes exactly, so a structure that
//! should hold O(n) can be told from one that keeps every item it saw. The
//! count is per thread (allocations minus frees made on it), so other
//! threads of the check do not blur it.
//!
//! ```ignore
//! #[global_allocator]
//! static ALLOCATOR: kata_harness::allocs::Counting = kata_harness::allocs::Counting;
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

thread_local! {
    static NET: Cell<i64> = const { Cell::new(0) };
}

fn note(bytes: i64) {
    // `try_with`: during thread teardown the counter may be gone already.
    let _ = NET.try_with(|net| net.set(net.get() + bytes));
}

/// The system allocator, counting on each thread the bytes it allocates and
/// frees (install it with `#[global_allocator]`).
pub struct Counting;

// SAFETY: every call is passed to `System` unchanged; the counting only
// touches a thread-local `Cell` that needs no allocation.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size() as i64);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(-(layout.size() as i64));
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size() as i64);
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size as i64 - layout.size() as i64);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Bytes allocated and not freed on this thread so far (0 unless
/// [`Counting`] is the global allocator).
pub fn net() -> i64 {
    NET.try_with(Cell::get).unwrap_or(0)
}

/// Runs `f` and says how many bytes it left allocated on this thread (what
/// it returns included, if that holds memory), with its result.
pub fn held_by<T>(f: impl FnOnce() -> T) -> (T, i64) {
    let before = net();
    let value = f();
    (value, net() - before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[global_allocator]
    static ALLOCATOR: Counting = Counting;

    #[test]
    fn what_is_kept_counts_and_what_is_freed_does_not() {
        let (kept, bytes) = held_by(|| vec![0u8; 10_000]);
        assert!((10_000..10_100).contains(&bytes), "{bytes}");
        let ((), freed) = held_by(|| drop(vec![0u64; 1_000]));
        assert_eq!(freed, 0);
        let ((), dropped) = held_by(|| drop(kept));
        assert!(dropped <= -10_000, "{dropped}");
    }
}
