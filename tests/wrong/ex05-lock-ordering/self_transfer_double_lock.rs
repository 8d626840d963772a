//! Known wrong: orders the locks by id but forgets the self-transfer, so transfer(a, a) locks a's mutex twice and waits for itself.
//! expect-fail: self-transfer: did not return in
//! expect-fail: model-self-transfer: deadlock on a self-transfer

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
    // When from.id == to.id, first and second are one account.
    let (first, second) = if from.id < to.id { (from, to) } else { (to, from) };
    let mut first = first.balance.lock().unwrap();
    let mut second = second.balance.lock().unwrap();
    let (from_balance, to_balance) =
        if from.id < to.id { (&mut *first, &mut *second) } else { (&mut *second, &mut *first) };
    if *from_balance < amount {
        return Err(TransferError::InsufficientFunds { needed: amount, available: *from_balance });
    }
    *from_balance -= amount;
    *to_balance += amount;
    Ok(())
}
