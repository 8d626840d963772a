//! Known right: no global order; lock `from`, try `to`, and when it is taken release `from`, yield and start again (never waits for a second lock while holding a first).
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

use kata_sync::thread;

pub fn transfer(from: &Account, to: &Account, amount: i64) -> Result<(), TransferError> {
    if amount < 0 {
        return Err(TransferError::NegativeAmount { amount });
    }
    if from.id == to.id {
        let available = *from.balance.lock().unwrap();
        if available < amount {
            return Err(TransferError::InsufficientFunds {
                needed: amount,
                available,
            });
        }
        return Ok(());
    }
    loop {
        let mut source = from.balance.lock().unwrap();
        let Ok(mut dest) = to.balance.try_lock() else {
            drop(source);
            thread::yield_now();
            continue;
        };
        if *source < amount {
            return Err(TransferError::InsufficientFunds {
                needed: amount,
                available: *source,
            });
        }
        *source -= amount;
        *dest += amount;
        return Ok(());
    }
}
