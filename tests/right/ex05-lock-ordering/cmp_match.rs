//! Known right: one match on from.id.cmp(&to.id) (Equal: one lock; Less/Greater: lock in id order), a helper that hands back (from, to) guards, and new balances computed before either is written.
//! Written blind: from the stub and the chapter, without reading the checks.

use std::fmt;

use kata_sync::sync::Mutex;

/// A bank account that many threads share.
pub struct Account {
    id: u64,
    balance: Mutex<i64>,
}

impl Account {
    pub fn new(id: u64, balance: i64) -> Account {
        Account {
            id,
            balance: Mutex::new(balance),
        }
    }

    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn balance(&self) -> i64 {
        *self.balance.lock().unwrap()
    }
}

/// Why a transfer was refused. A refused transfer changed nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferError {
    InsufficientFunds { needed: i64, available: i64 },
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

use std::cmp::Ordering;

use kata_sync::sync::MutexGuard;

type Guard<'a> = MutexGuard<'a, i64>;

fn lock(account: &Account) -> Guard<'_> {
    account.balance.lock().unwrap_or_else(|e| e.into_inner())
}

/// Both guards, taken smaller id first, returned as (from's, to's).
fn lock_pair<'a>(from: &'a Account, to: &'a Account) -> (Guard<'a>, Guard<'a>) {
    if from.id < to.id {
        let f = lock(from);
        let t = lock(to);
        (f, t)
    } else {
        let t = lock(to);
        let f = lock(from);
        (f, t)
    }
}

fn check(available: i64, amount: i64) -> Result<(), TransferError> {
    if available < amount {
        Err(TransferError::InsufficientFunds {
            needed: amount,
            available,
        })
    } else {
        Ok(())
    }
}

pub fn transfer(from: &Account, to: &Account, amount: i64) -> Result<(), TransferError> {
    if amount < 0 {
        return Err(TransferError::NegativeAmount { amount });
    }
    match from.id.cmp(&to.id) {
        Ordering::Equal => check(*lock(from), amount),
        Ordering::Less | Ordering::Greater => {
            let (mut f, mut t) = lock_pair(from, to);
            check(*f, amount)?;
            let new_from = *f - amount;
            let new_to = *t + amount;
            *f = new_from;
            *t = new_to;
            Ok(())
        }
    }
}
