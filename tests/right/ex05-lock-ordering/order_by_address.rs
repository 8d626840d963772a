//! Known right: orders the two locks by the accounts' addresses (ptr comparison, stable while both are borrowed) and spots a self-transfer with ptr::eq.
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

pub fn transfer(from: &Account, to: &Account, amount: i64) -> Result<(), TransferError> {
    if amount < 0 {
        return Err(TransferError::NegativeAmount { amount });
    }
    if std::ptr::eq(from, to) {
        let available = *from.balance.lock().unwrap_or_else(|e| e.into_inner());
        return if available < amount {
            Err(TransferError::InsufficientFunds {
                needed: amount,
                available,
            })
        } else {
            Ok(())
        };
    }
    let from_first = (from as *const Account as usize) < (to as *const Account as usize);
    let (first, second) = if from_first { (from, to) } else { (to, from) };
    let mut g1 = first.balance.lock().unwrap_or_else(|e| e.into_inner());
    let mut g2 = second.balance.lock().unwrap_or_else(|e| e.into_inner());
    let (source, dest) = if from_first {
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
    let (new_source, new_dest) = (*source - amount, *dest + amount);
    *source = new_source;
    *dest = new_dest;
    Ok(())
}
