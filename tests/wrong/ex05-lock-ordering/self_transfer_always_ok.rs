//! Known wrong: a self-transfer returns Ok(()) at once, without locking or checking the funds, though the contract says it is refused like any other if the account holds less than the amount.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: self-transfer: it should be refused like any overdraw

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
    if from.id == to.id {
        return Ok(()); // nothing moves, so nothing to check
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
    if *source < amount {
        return Err(TransferError::InsufficientFunds {
            needed: amount,
            available: *source,
        });
    }
    *source -= amount;
    *dest += amount;
    Ok(())
}
