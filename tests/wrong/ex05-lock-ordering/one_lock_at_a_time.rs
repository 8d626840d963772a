//! Known wrong: deadlock-free by never holding two locks: it withdraws under `from`'s lock, releases it, then deposits under `to`'s, so for a moment the money is in neither account.
//! expect-fail: model-one-step: money had left account 1 and not yet reached account 2

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
    if amount < 0 {
        return Err(TransferError::NegativeAmount { amount });
    }
    if from.id == to.id {
        let balance = lock(from);
        return check_funds(*balance, amount);
    }
    // Never hold two locks at once, and no deadlock can happen: take the
    // money out under `from`'s lock, then put it in under `to`'s.
    {
        let mut from_balance = lock(from);
        check_funds(*from_balance, amount)?;
        *from_balance -= amount;
    }
    *lock(to) += amount;
    Ok(())
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
