//! Known wrong: checks the funds with from.balance() (its own lock scope) before locking both accounts, so two transfers can both see enough and together overdraw.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: model-never-negative: between the check ("is there enough?") and the act ("take it") the lock was released

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

pub fn transfer(from: &Account, to: &Account, amount: i64) -> Result<(), TransferError> {
    if amount < 0 {
        return Err(TransferError::NegativeAmount { amount });
    }
    // Refuse early, before taking any lock for long.
    let available = from.balance();
    if available < amount {
        return Err(TransferError::InsufficientFunds {
            needed: amount,
            available,
        });
    }
    if from.id == to.id {
        return Ok(());
    }
    let (first, second) = if from.id < to.id {
        (from, to)
    } else {
        (to, from)
    };
    let mut g1 = first.balance.lock().unwrap();
    let mut g2 = second.balance.lock().unwrap();
    let (source, dest) = if first.id == from.id {
        (&mut *g1, &mut *g2)
    } else {
        (&mut *g2, &mut *g1)
    };
    *source -= amount;
    *dest += amount;
    Ok(())
}
