//! `UnsafeCell` with loom's API, so one piece of `unsafe` code runs on std,
//! shuttle and loom alike.
//!
//! std's `UnsafeCell::get` hands out a raw pointer that nobody watches.
//! loom's cell hands the pointer to a closure instead (`with` to read,
//! `with_mut` to write) and records each access with the thread's view of
//! time: two accesses that are not ordered by happens-before (one of them a
//! write) are a data race, and loom fails the execution that has it
//! ("Causality violation"). That is how a spin lock whose unlock is
//! `Relaxed`, or a channel whose "ready" flag is stored `Relaxed`, fails
//! under the model: the next thread's access is not ordered after the
//! previous one's.
//!
//! So the facade's cell has loom's closure API in every build: with std and
//! shuttle it is std's `UnsafeCell` behind `with` / `with_mut` (shuttle
//! models sequentially consistent memory only and does not look at cells);
//! under loom it is loom's. `get_mut` and `into_inner` take the cell by
//! `&mut` / by value, so no other thread can touch it then, and they need
//! no `unsafe`.
//!
//! Like std's, the cell is `Send` when `T` is and never `Sync`: a type that
//! shares one between threads says why that is sound with an
//! `unsafe impl Sync`.

/// A cell whose contents may be changed through a shared reference, by
/// code that promises (with `unsafe`) that no two threads touch it at once.
/// The pointer is only valid inside the closure.
pub struct UnsafeCell<T: ?Sized> {
    #[cfg(not(kata_loom))]
    inner: std::cell::UnsafeCell<T>,
    #[cfg(kata_loom)]
    inner: loom::cell::UnsafeCell<T>,
}

impl<T> UnsafeCell<T> {
    /// A cell holding `value`.
    pub fn new(value: T) -> UnsafeCell<T> {
        #[cfg(not(kata_loom))]
        let inner = std::cell::UnsafeCell::new(value);
        #[cfg(kata_loom)]
        let inner = loom::cell::UnsafeCell::new(value);
        UnsafeCell { inner }
    }

    /// The value, taking the cell.
    pub fn into_inner(self) -> T {
        self.inner.into_inner()
    }
}

impl<T: ?Sized> UnsafeCell<T> {
    /// Calls `f` with a pointer to read the value through. Under loom this
    /// is a read access: it must not be concurrent with a write.
    pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        #[cfg(not(kata_loom))]
        return f(self.inner.get());
        #[cfg(kata_loom)]
        return self.inner.with(f);
    }

    /// Calls `f` with a pointer to read and write the value through. Under
    /// loom this is a write access: it must not be concurrent with any other
    /// access.
    pub fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        #[cfg(not(kata_loom))]
        return f(self.inner.get());
        #[cfg(kata_loom)]
        return self.inner.with_mut(f);
    }

    /// The value, through an exclusive borrow of the cell: nobody else can
    /// hold it, so this needs no `unsafe`.
    pub fn get_mut(&mut self) -> &mut T {
        #[cfg(not(kata_loom))]
        return self.inner.get_mut();
        // SAFETY: `&mut self` is the only way to the cell right now, so
        // no other access can overlap the one this borrow stands for.
        #[cfg(kata_loom)]
        return self.inner.with_mut(|p| unsafe { &mut *p });
    }
}

impl<T: Default> Default for UnsafeCell<T> {
    fn default() -> UnsafeCell<T> {
        UnsafeCell::new(T::default())
    }
}

/// Shows no contents: reading them would be an access of its own.
impl<T: ?Sized> std::fmt::Debug for UnsafeCell<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UnsafeCell { .. }")
    }
}

impl<T> From<T> for UnsafeCell<T> {
    fn from(value: T) -> UnsafeCell<T> {
        UnsafeCell::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::UnsafeCell;

    /// Runs `body` as loom needs its objects to be used: inside a model.
    fn run(body: impl Fn() + Send + Sync + 'static) {
        #[cfg(kata_loom)]
        loom::model(body);
        #[cfg(not(kata_loom))]
        body();
    }

    #[test]
    fn reads_and_writes_go_through_the_closures() {
        run(|| {
            let mut cell = UnsafeCell::new(vec![1]);
            // SAFETY: one thread, and no borrow outlives its closure.
            cell.with_mut(|v| unsafe { (*v).push(2) });
            assert_eq!(cell.with(|v| unsafe { (*v).len() }), 2);
            cell.get_mut().push(3);
            assert_eq!(cell.into_inner(), [1, 2, 3]);
        });
    }

    #[test]
    fn send_when_the_value_is() {
        fn send<T: Send>() {}
        send::<UnsafeCell<Vec<u8>>>();
    }

    /// A value handed over by a flag: with Release / Acquire the reader's
    /// access is ordered after the writer's; with Relaxed, loom says so.
    #[cfg(kata_loom)]
    fn hand_over(store: std::sync::atomic::Ordering) {
        use crate::sync::atomic::{AtomicBool, Ordering};
        use crate::sync::Arc;
        struct Slot(AtomicBool, UnsafeCell<u32>);
        // SAFETY: the test is about whether the flag makes this sound.
        unsafe impl Sync for Slot {}
        loom::model(move || {
            let slot = Arc::new(Slot(AtomicBool::new(false), UnsafeCell::new(0)));
            let writer = Arc::clone(&slot);
            let t = crate::thread::spawn(move || {
                // SAFETY: the reader waits for the flag (or the test fails).
                writer.1.with_mut(|p| unsafe { *p = 7 });
                writer.0.store(true, store);
            });
            if slot.0.load(Ordering::Acquire) {
                // SAFETY: as above.
                assert_eq!(slot.1.with(|p| unsafe { *p }), 7);
            }
            t.join().unwrap();
        });
    }

    #[cfg(kata_loom)]
    #[test]
    fn loom_orders_a_release_handover() {
        hand_over(std::sync::atomic::Ordering::Release);
    }

    #[cfg(kata_loom)]
    #[test]
    #[should_panic(expected = "Causality violation")]
    fn loom_catches_a_relaxed_handover() {
        hand_over(std::sync::atomic::Ordering::Relaxed);
    }
}
