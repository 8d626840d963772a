//! Known wrong: locks `from` and then `to`, in argument order, so opposite transfers take the two locks in opposite orders.
//! expect-fail: model-opposite-transfers: deadlock: thread A holds account 1 and waits for account 2, while thread B holds account 2 and waits for account 1
//! expect-fail: model-three-account-cycle: a cycle

use std::fmt;

use kata_sync::sync::Mutex;

pub struct Account {
    id: u64,
    balance: Mutex<i64>,
}

impl Account {
    pub fn new(id: u64, balance: i64) -> Account {
        Account { id, balance: Mutex::new(balance) }
    }

    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn balance(&self) -> i64 {
        *self.balance.lock().unwrap()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferError {
    InsufficientFunds { needed: i64, available: i64 },
    NegativeAmount { amount: i64 },
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransferError::InsufficientFunds { needed, available } => {
                write!(f, "insufficient funds: needed {needed}, available {available}")
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
            return Err(TransferError::InsufficientFunds { needed: amount, available: *balance });
        }
        return Ok(());
    }
    // The order of the arguments, not of the accounts.
    let mut from_balance = from.balance.lock().unwrap();
    let mut to_balance = to.balance.lock().unwrap();
    if *from_balance < amount {
        return Err(TransferError::InsufficientFunds { needed: amount, available: *from_balance });
    }
    *from_balance -= amount;
    *to_balance += amount;
    Ok(())
}
