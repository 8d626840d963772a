//! # ex05 · Lock ordering — reference solution
//!
//! Every account has its own mutex, and a transfer needs two of them. Two
//! rules make that safe:
//!
//! 1. **One global order.** A transfer locks the account with the smaller
//!    id first, whichever way the money goes. Deadlock needs a cycle of
//!    threads, each holding a lock and waiting for the next one's; when every
//!    thread climbs the ids in the same direction, the thread holding the
//!    highest lock of the cycle can always get the next one, so no cycle can
//!    form. That holds for two accounts and for any number of them.
//! 2. **Check and act under one hold.** The funds are checked and the money
//!    moved while both locks are held, so no other transfer can withdraw
//!    between "is there enough?" and "take it".
//!
//! A self-transfer locks its one account once: a `Mutex` is not reentrant,
//! and a thread locking it a second time would wait for itself forever.
//!
//! Every lock comes from `kata_sync`, so the grader's model checker can
//! interleave them.

use std::fmt;

use kata_sync::sync::{Mutex, MutexGuard};

/// A bank account that many threads share (`&Account` is all they get).
/// Its id is its name, unique in the bank, and the key of the lock order.
pub struct Account {
    id: u64,
    balance: Mutex<i64>,
}

impl Account {
    /// An account with this id and opening balance.
    pub fn new(id: u64, balance: i64) -> Account {
        Account {
            id,
            balance: Mutex::new(balance),
        }
    }

    /// This account's id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The balance now (it takes the account's lock for a moment).
    pub fn balance(&self) -> i64 {
        *lock(self)
    }
}

/// Why a transfer was refused. A refused transfer changed nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferError {
    /// `from` held `available`, less than the `needed` amount.
    InsufficientFunds { needed: i64, available: i64 },
    /// The amount was below zero.
    NegativeAmount { amount: i64 },
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransferError::InsufficientFunds { needed, available } => {
                write!(
                    f,
                    "insufficient funds: needed {needed}, available {available}"
                )
            }
            TransferError::NegativeAmount { amount } => {
                write!(f, "cannot transfer a negative amount ({amount})")
            }
        }
    }
}

impl std::error::Error for TransferError {}

/// Moves `amount` from `from` to `to`, as one step: no other transfer sees
/// the money gone from `from` but not yet in `to`.
///
/// Refused, changing nothing, if `amount` is negative or `from` holds less
/// than `amount`. Many threads call this at once, in any direction between
/// any accounts, and it never deadlocks. `from` and `to` may be the same
/// account: then nothing moves.
pub fn transfer(from: &Account, to: &Account, amount: i64) -> Result<(), TransferError> {
    // Nothing is locked for this: a bad amount is refused at once.
    if amount < 0 {
        return Err(TransferError::NegativeAmount { amount });
    }

    // A self-transfer: one account, so one lock, held while the funds are
    // checked (the same rule as any transfer, so an overdraw is refused
    // here too). Ids are unique, so equal ids mean the same account.
    // The guard is dropped on return, which unlocks the account.
    if from.id == to.id {
        let balance = lock(from);
        return check_funds(*balance, amount);
    }

    // The global order: the smaller id is always locked first. `from_first`
    // remembers which of the two guards is `from`'s.
    let from_first = from.id < to.id;
    let (first, second) = if from_first { (from, to) } else { (to, from) };
    let mut first = lock(first);
    // Holding `first`, wait for `second`. Any thread holding `second` and
    // waiting for something took it in the same order, so it only ever
    // waits for an account with a larger id: never for `first`.
    let mut second = lock(second);
    let (from_balance, to_balance) = if from_first {
        (&mut *first, &mut *second)
    } else {
        (&mut *second, &mut *first)
    };

    // Check and act under both locks: one step for both accounts.
    check_funds(*from_balance, amount)?;
    // Compute the credit before writing anything: if it overflowed (a panic
    // in the grade profile), no balance would have changed yet.
    let credited = *to_balance + amount;
    *from_balance -= amount;
    *to_balance = credited;
    Ok(())
    // Both guards drop here (`second`, then `first`). The order of releasing
    // does not matter for deadlock: releasing never waits.
}

/// `Ok` if `available` covers `amount`, else the refusal.
fn check_funds(available: i64, amount: i64) -> Result<(), TransferError> {
    if available >= amount {
        Ok(())
    } else {
        Err(TransferError::InsufficientFunds {
            needed: amount,
            available,
        })
    }
}

/// Locks an account's balance. A poisoned lock (a panic while it was held)
/// still holds a consistent balance: every write above happens after the
/// last thing that can panic, so the value is taken as it is.
fn lock(account: &Account) -> MutexGuard<'_, i64> {
    account.balance.lock().unwrap_or_else(|e| e.into_inner())
}
