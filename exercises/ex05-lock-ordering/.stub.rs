//! # ex05 · Lock ordering
//!
//! Goal: move money between bank accounts that many threads share. Each
//! `Account` guards its balance with its own mutex, and `transfer(from, to,
//! amount)` needs both: it takes money out of one and puts it into the other
//! as one step, so nobody ever sees it in neither or in both.
//!
//! The classic bug is the deadlock: thread A transfers from account 1 to
//! account 2, locking 1 and then 2; thread B transfers from 2 to 1, locking
//! 2 and then 1. If each gets its first lock, each waits forever for the
//! other's. Fix it with one global order: whatever the direction of the
//! money, lock the account with the smaller id first.
//!
//! Your `transfer` must also:
//! - refuse a transfer that would overdraw `from` with
//!   `TransferError::InsufficientFunds` (and a negative amount with
//!   `TransferError::NegativeAmount`), leaving both balances as they were;
//! - keep "is there enough money?" and "take it" under one hold of the lock,
//!   or two transfers can both see enough and together overdraw;
//! - handle a transfer from an account to itself: it moves nothing, is
//!   refused like any other if the account holds less than `amount`, and
//!   must not lock the same mutex twice (a thread that does waits for itself
//!   forever).
//!
//! Import every lock from `kata_sync` (not `std::sync`): the grader runs your
//! code under a model checker (shuttle) that tries many interleavings, and it
//! only sees what comes from the facade.
//!
//! What `kata check ex05` verifies:
//! - a transfer moves money; an overdraw or a negative amount is refused
//!   with the right error and changes nothing; a self-transfer changes
//!   nothing and returns;
//! - 4 real threads making 40,000 transfers both ways end, and conserve money;
//! - under shuttle's schedules: two threads transferring in opposite
//!   directions never deadlock, nor do three threads transferring around a
//!   cycle of three accounts; two withdrawals that together exceed a balance
//!   never take it below zero; a self-transfer next to another transfer
//!   neither deadlocks nor changes the total. A failure prints the
//!   interleaving (who locked which account) and a seed to replay it with
//!   `cargo kata check ex05 --replay <seed>`;
//! - nothing in your crate reaches past the `kata_sync` facade.
//!
//! What it cannot see: whether you ordered the locks or took some other
//! deadlock-free road (one lock around the whole bank would pass, and make
//! every transfer wait for every other), or what happens if two different
//! accounts share an id (ids must be unique).
//!
//! Read: book/src/exercises/ex05-lock-ordering.md
//! Check: cargo kata check ex05

use std::fmt;

use kata_sync::sync::Mutex;

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
        *self.balance.lock().unwrap()
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
    // TODO: refuse a negative amount; handle a self-transfer (one lock);
    // lock both accounts in one global order (by id, whichever way the money
    // goes); check the funds and move the money while holding both.
    let _ = (from, to, amount);
    todo!()
}
