//! Known wrong: locks `from` then `to`, an order on the arguments, so 1 -> 2 and 2 -> 1 at once take the two locks in opposite orders and deadlock.
//! Written blind: from the stub and the chapter, without reading the checks.
//! expect-fail: model-opposite-transfers: The two threads took the same two locks in opposite orders
//! expect-fail: model-three-account-cycle: a cycle, each thread holding the account the next one waits for

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
        let balance = from.balance.lock().unwrap();
        if *balance < amount {
            return Err(TransferError::InsufficientFunds {
                needed: amount,
                available: *balance,
            });
        }
        return Ok(());
    }
    let mut source = from.balance.lock().unwrap();
    let mut dest = to.balance.lock().unwrap();
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
