//! Is a type `Send`? `Sync`? Asked of a concrete type where the check is
//! compiled, answered as a `bool` when it runs: a learner's `unsafe impl`
//! that promises too much (or too little) then fails a check with a reason,
//! instead of failing to compile the checks or slipping past them, as no
//! run on threads can show it.
//!
//! The trick: an inherent associated const that exists only when the bound
//! holds is found before a trait's const of the same name, which is the
//! fallback ([`is_send!`](crate::is_send), [`is_sync!`](crate::is_sync)).

use std::marker::PhantomData;

#[doc(hidden)]
pub struct Probe<T: ?Sized>(PhantomData<T>);

#[doc(hidden)]
pub trait Otherwise {
    const SEND: bool = false;
    const SYNC: bool = false;
}

impl<T: ?Sized> Otherwise for Probe<T> {}

impl<T: ?Sized + Send> Probe<T> {
    pub const SEND: bool = true;
}

// A second impl block: one block with both consts would need both bounds.
impl<T: ?Sized + Sync> Probe<T> {
    pub const SYNC: bool = true;
}

/// Whether a concrete type is `Send`, as a `bool`: `is_send!(Rc<u8>)` is false.
#[macro_export]
macro_rules! is_send {
    ($t:ty) => {{
        #[allow(unused_imports)]
        use $crate::bounds::Otherwise as _;
        <$crate::bounds::Probe<$t>>::SEND
    }};
}

/// Whether a concrete type is `Sync`, as a `bool`: `is_sync!(Cell<u8>)` is false.
#[macro_export]
macro_rules! is_sync {
    ($t:ty) => {{
        #[allow(unused_imports)]
        use $crate::bounds::Otherwise as _;
        <$crate::bounds::Probe<$t>>::SYNC
    }};
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;
    use std::sync::{Arc, Mutex, MutexGuard};

    #[test]
    fn std_types_read_as_the_std_docs_say() {
        assert!(is_send!(u8) && is_sync!(u8));
        assert!(!is_send!(Rc<u8>) && !is_sync!(Rc<u8>));
        assert!(is_send!(Cell<u8>) && !is_sync!(Cell<u8>));
        assert!(is_send!(Mutex<Cell<u8>>) && is_sync!(Mutex<Cell<u8>>));
        assert!(!is_sync!(Mutex<Rc<u8>>) && !is_send!(Arc<Cell<u8>>));
        assert!(!is_send!(MutexGuard<'static, u8>) && is_sync!(MutexGuard<'static, u8>));
        assert!(is_sync!(str) && is_send!(dyn Fn() + Send));
    }

    struct Promises<T>(T);
    unsafe impl<T> Sync for Promises<T> {}

    #[test]
    fn an_unsafe_impl_counts() {
        assert!(is_sync!(Promises<Rc<u8>>) && !is_send!(Promises<Rc<u8>>));
    }
}
