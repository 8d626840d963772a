//! The model build (`--cfg kata_shuttle`): each scenario under a thousand
//! schedules, its story told lock by lock by the facade's own mutex.

use super::*;
use kata_harness::contention::{narrate, Part};
use kata_harness::model::{deadlock_story, locked_twice};
use kata_harness::Verdict;
use kata_sync::model::Failure;

/// A thread's part: transfer(from -> to, amount), told in the story.
fn transferring(
    from: usize,
    to: usize,
    amount: i64,
) -> impl Fn(&Bank, &Turn) -> Moved + Send + Sync {
    move |bank, _| {
        let what = format!("transfer({from} -> {to}, {amount})");
        narrate(format!("calls {what}"));
        let moved = transfer(&bank[from - 1], &bank[to - 1], amount);
        narrate(format!("{what} returns {moved:?}"));
        moved
    }
}

/// The balances once the story is over (its lock steps no longer told).
fn balances(bank: &Bank) -> Vec<i64> {
    kata_harness::contention::quiet();
    bank.iter().map(Account::balance).collect()
}

/// A failure told: a deadlock from who held and who waited (`then`
/// completes "deadlock: thread A holds ... waits for ..."), a broken
/// invariant by its own message.
fn told(then: &'static str) -> impl Fn(&Failure) -> String + Clone + Send + Sync + 'static {
    move |failure| explained(failure, then)
}

fn explained(failure: &Failure, then: &str) -> String {
    if !failure.deadlock {
        return failure.message.clone();
    }
    if locked_twice(failure) {
        return "deadlock on a self-transfer: transfer(1 -> 1) locked account 1 and then asked \
                for account 1's lock again, while holding it. A Mutex is not reentrant: a thread \
                that locks it twice waits for itself forever. When `from` and `to` are the same \
                account, lock it once (and move nothing)."
            .into();
    }
    let story = deadlock_story()
        .unwrap_or_else(|| "every thread holds an account and waits for another's".into());
    format!("deadlock: {story}{then}")
}

/// Threads A, B, C... each making one transfer (from, to, amount).
fn transfers(balances: &'static [i64], moves: &[(usize, usize, i64)]) -> Scenario<Bank, Moved> {
    let scenario = Scenario::new("transfers", bank(balances));
    let named = moves.iter().zip(["thread A", "thread B", "thread C"]);
    named.fold(scenario, |s, (&(from, to, amount), name)| {
        s.thread(name, transferring(from, to, amount))
    })
}

/// Every transfer went through, then the balances are `want`: else the
/// message `refused` makes of the results, or `wrong` of the balances.
fn through_to(
    want: &'static [i64],
    refused: fn(&[&Moved]) -> String,
    wrong: fn(&[i64]) -> String,
) -> impl Fn(&Bank, &[Part<Moved>]) -> Result<(), Outcome> + Send + Sync {
    move |bank, parts| {
        let results: Vec<&Moved> = parts.iter().map(|p| &p.result).collect();
        ensure(results.iter().all(|r| r.is_ok()), || refused(&results))?;
        let balances = balances(bank);
        ensure(balances == want, || wrong(&balances))
    }
}

pub fn opposite_transfers() -> Verdict {
    let scenario = transfers(&[100, 100], &[(1, 2, 30), (2, 1, 50)]).judge(through_to(
        &[120, 80],
        |r| {
            format!(
                "transfer(1 -> 2, 30) returned {:?} and transfer(2 -> 1, 50) returned {:?}, \
                 though both accounts held 100: both should go through",
                r[0], r[1]
            )
        },
        |b| {
            format!(
                "after transfer(1 -> 2, 30) and transfer(2 -> 1, 50) from 100 each, the accounts \
                 hold {} and {}, not 120 and 80: money was created or lost. Move it while holding \
                 both accounts' locks.",
                b[0], b[1]
            )
        },
    ));
    scenario.check(
        "no deadlock, and 120 + 80 at the end",
        told(
            ". The two threads took the same two locks in opposite orders, so each waits for the \
             other forever. Lock the two accounts of a transfer in one global order (by id, \
             smaller first), whichever way the money goes.",
        ),
    )
}

pub fn three_account_cycle() -> Verdict {
    let moves = [(1, 2, 10), (2, 3, 20), (3, 1, 30)];
    let scenario = transfers(&[100, 100, 100], &moves).judge(through_to(
        &[120, 90, 90],
        |results| {
            format!(
                "transfer(1 -> 2, 10), transfer(2 -> 3, 20) and transfer(3 -> 1, 30) returned \
                 {results:?}, though every account held enough: all three should go through"
            )
        },
        |balances| {
            let total: i64 = balances.iter().sum();
            format!(
                "after the three transfers the accounts hold {balances:?} (total {total}), not \
                 [120, 90, 90] (total 300): money was created or lost. Move it while holding \
                 both accounts' locks."
            )
        },
    ));
    scenario.check(
        "no deadlock, and 300 in all at the end",
        told(
            ": a cycle, each thread holding the account the next one waits for. Lock the two \
             accounts of a transfer in one global order (by id, smaller first): threads that all \
             climb the ids the same way can never close a cycle.",
        ),
    )
}

pub fn never_negative() -> Verdict {
    let scenario = transfers(&[100, 0, 0], &[(1, 2, 60), (1, 3, 60)]).judge(|bank, parts| {
        let balances = balances(bank);
        let total: i64 = balances.iter().sum();
        ensure(balances[0] >= 0, || {
            format!(
                "account 1 ended at {}: below zero. Both transfers of 60 found enough money in \
                 account 1 (100) and both took it: between the check (\"is there enough?\") and \
                 the act (\"take it\") the lock was released, and the other transfer got in. \
                 Check the funds and withdraw under one hold of the lock.",
                balances[0]
            )
        })?;
        ensure(total == 100, || {
            format!(
                "the accounts hold {balances:?} after the two transfers, {total} in all, not 100: \
                 money was created or lost. Move it while holding both accounts' locks."
            )
        })?;
        let refused = Err(TransferError::InsufficientFunds { needed: 60, available: 40 });
        let results = [&parts[0].result, &parts[1].result];
        ensure(matches!(results, [Ok(()), r] | [r, Ok(())] if *r == refused), || {
            format!(
                "two transfers of 60 from account 1 (holding 100) returned {results:?}: the first \
                 to lock account 1 should go through, and the other be refused with {refused:?}"
            )
        })
    });
    scenario.check(
        "one transfer refused, no balance below zero",
        told(
            ". Two transfers out of one account should never wait for each other forever: take \
             the locks in one global order (by id).",
        ),
    )
}

pub fn self_transfer() -> Verdict {
    let scenario = transfers(&[100, 100], &[(1, 1, 50), (2, 1, 30)]).judge(through_to(
        &[130, 70],
        |r| {
            format!(
                "transfer(1 -> 1, 50) returned {:?} and transfer(2 -> 1, 30) returned {:?}, \
                 though both accounts held enough: both should go through",
                r[0], r[1]
            )
        },
        |b| {
            format!(
                "after transfer(1 -> 1, 50) and transfer(2 -> 1, 30) from 100 each, the accounts \
                 hold {} and {}, not 130 and 70. A self-transfer moves nothing.",
                b[0], b[1]
            )
        },
    ));
    scenario.check(
        "no deadlock, and 130 + 70 at the end",
        told(
            ". A self-transfer locks one account, once; the other transfer locks its two in one \
             global order (by id).",
        ),
    )
}

/// Money only goes 1 -> 2, so an observer that reads account 1 and then
/// account 2 can only see the money once or more (a later read of 2 has
/// as much or more), and one that reads 2 then 1, once or less. Money
/// in neither account (taken from 1 under one lock, put into 2 under
/// another) or in both shows as a sum the other way.
pub fn one_step() -> Verdict {
    let adding_up = |first: usize, second: usize| {
        move |bank: &Bank| {
            let (a, b) = (bank[first].balance(), bank[second].balance());
            let sum = a + b;
            let state = match first {
                0 if sum < 100 => "less than the 100 there is: money had left account 1 and not yet reached account 2",
                1 if sum > 100 => "more than the 100 there is: money had reached account 2 before it left account 1",
                _ => return Ok(()),
            };
            let (name, other) = (first + 1, second + 1);
            Err(format!(
                "an observer read account {name} ({a}) and then account {other} ({b}) while the \
                 transfers ran: {sum} in all, {state}. A transfer is one step: hold both accounts' \
                 locks from the check of the funds to the deposit, never releasing one in between."
            ))
        }
    };
    let scenario = transfers(&[100, 0], &[(1, 2, 30), (1, 2, 50)])
        .observer("observer 1", adding_up(0, 1))
        .observer("observer 2", adding_up(1, 0))
        .judge(|bank, parts| {
            let balances = balances(bank);
            let results = [&parts[0].result, &parts[1].result];
            ensure(balances == [20, 80] && results == [&Ok(()), &Ok(())], || {
                format!(
                    "transfer(1 -> 2, 30) and transfer(1 -> 2, 50) from 100 returned {results:?} \
                     and left {balances:?}: both should go through and leave [20, 80]"
                )
            })
        });
    scenario.check(
        "both balances added up to 100 at every look",
        told(
            ". Lock the two accounts of a transfer in one global order (by id, smaller first), \
             whichever way the money goes.",
        ),
    )
}
