//! The hidden checks of ex05 · Lock ordering.
//!
//! Two builds of this file run. The plain build checks values on one thread
//! and runs a stress test on real threads as a second opinion. The model
//! build (`--cfg kata_shuttle`) is the judge of the races: shuttle runs
//! opposite transfers, a cycle of three, two withdrawals that together
//! overdraw, and a self-transfer beside another transfer, each under a
//! thousand schedules (fixed seeds). A lock-order deadlock needs both threads
//! to get their first lock before either gets its second; on real threads
//! that window is narrow, so a stress run alone can pass a wrong solution
//! many times in a row. Shuttle finds the schedule on purpose, and the
//! `locks` module tells it lock by lock.

use kata_harness::{Check, Verdict};
use std::process::ExitCode;

kata_harness::exercise!(transfer, Account, TransferError);

#[cfg(kata_shuttle)]
mod locks;

fn main() -> ExitCode {
    #[cfg(not(kata_shuttle))]
    let checks = [
        Check::new(
            "moves-money",
            "a transfer moves money; an overdraw or a negative amount is refused and changes nothing",
            plain::moves_money,
        ),
        Check::new(
            "self-transfer",
            "a transfer from an account to itself returns and changes nothing",
            plain::self_transfer,
        ),
        Check::new(
            "stress-opposite-transfers",
            "4 real threads, up to 40,000 transfers (3 s at most) back and forth: all end, money conserved",
            plain::stress_opposite_transfers,
        ),
    ];
    #[cfg(kata_shuttle)]
    let checks = [
        Check::new(
            "model-opposite-transfers",
            "1 -> 2 and 2 -> 1 at once: no deadlock, under every schedule tried",
            model::opposite_transfers,
        ),
        Check::new(
            "model-three-account-cycle",
            "1 -> 2, 2 -> 3 and 3 -> 1 at once: no deadlock, money conserved",
            model::three_account_cycle,
        ),
        Check::new(
            "model-never-negative",
            "two withdrawals of 60 from 100 at once: one is refused, no balance below zero",
            model::never_negative,
        ),
        Check::new(
            "model-self-transfer",
            "1 -> 1 beside 2 -> 1: no deadlock, money conserved",
            model::self_transfer,
        ),
    ];
    kata_harness::main(&checks)
}

#[cfg(not(kata_shuttle))]
mod plain {
    use super::*;
    use kata_harness::{ensure, fail, pass, within};
    use std::sync::Barrier;
    use std::time::Duration;

    /// One thread, known balances: every outcome is exact.
    pub fn moves_money() -> Verdict {
        type Step = (&'static str, Result<(), TransferError>, i64, i64);
        let steps: Vec<Step> = within(Duration::from_secs(2), "transfers on one thread", || {
            let one = Account::new(1, 100);
            let two = Account::new(2, 50);
            let mut steps = Vec::new();
            let mut step = |what, result| steps.push((what, result, one.balance(), two.balance()));
            step("transfer(1 -> 2, 30)", transfer(&one, &two, 30));
            step(
                "transfer(2 -> 1, 80), all of account 2",
                transfer(&two, &one, 80),
            );
            step(
                "transfer(2 -> 1, 1) from an empty account",
                transfer(&two, &one, 1),
            );
            step(
                "transfer(1 -> 2, 1000), more than account 1 holds",
                transfer(&one, &two, 1000),
            );
            step("transfer(1 -> 2, -5)", transfer(&one, &two, -5));
            step("transfer(1 -> 2, 0)", transfer(&one, &two, 0));
            steps
        })?;
        let expected: [(Result<(), TransferError>, i64, i64); 6] = [
            (Ok(()), 70, 80),
            (Ok(()), 150, 0),
            (
                Err(TransferError::InsufficientFunds {
                    needed: 1,
                    available: 0,
                }),
                150,
                0,
            ),
            (
                Err(TransferError::InsufficientFunds {
                    needed: 1000,
                    available: 150,
                }),
                150,
                0,
            ),
            (Err(TransferError::NegativeAmount { amount: -5 }), 150, 0),
            (Ok(()), 150, 0),
        ];
        let (mut one, mut two) = (100, 50);
        for ((what, result, after_one, after_two), (want, want_one, want_two)) in
            steps.into_iter().zip(expected)
        {
            ensure(result == want, || {
                fail(format!(
                    "{what} returned {result:?}, but it should return {want:?} \
                     (account 1 held {one}, account 2 held {two})"
                ))
            })?;
            ensure((after_one, after_two) == (want_one, want_two), || {
                let refused = if want.is_err() {
                    " A refused transfer must change nothing."
                } else {
                    ""
                };
                fail(format!(
                    "after {what}, account 1 holds {after_one} and account 2 holds {after_two}, \
                     but they should hold {want_one} and {want_two}.{refused}"
                ))
            })?;
            (one, two) = (after_one, after_two);
        }
        Ok(pass(
            "money moved; overdraws and a negative amount refused with the right error, changing nothing",
        ))
    }

    /// A self-transfer that locks its account's mutex twice never returns:
    /// `within` turns that into a verdict that names the step.
    pub fn self_transfer() -> Verdict {
        let (affordable, after_affordable, too_much, after_too_much) =
            within(Duration::from_secs(2), "a self-transfer", || {
                let one = Account::new(1, 100);
                let affordable = transfer(&one, &one, 40);
                let after_affordable = one.balance();
                let too_much = transfer(&one, &one, 1000);
                (affordable, after_affordable, too_much, one.balance())
            })
            .map_err(|_| {
                fail(
                    "a self-transfer, transfer(&account, &account, amount), did not return in \
                     2 s: did it lock the account's mutex twice? A Mutex is not reentrant: a \
                     thread that locks it again while holding it waits for itself forever. When \
                     `from` and `to` are the same account, lock it once (and move nothing).",
                )
            })?;
        ensure(affordable == Ok(()) && after_affordable == 100, || {
            fail(format!(
                "a self-transfer of 40 on an account holding 100 returned {affordable:?} and left \
                 {after_affordable}: it should return Ok(()) and leave 100 (nothing moves)"
            ))
        })?;
        let want = Err(TransferError::InsufficientFunds {
            needed: 1000,
            available: 100,
        });
        ensure(too_much == want && after_too_much == 100, || {
            fail(format!(
                "a self-transfer of 1000 on an account holding 100 returned {too_much:?} and left \
                 {after_too_much}: it should be refused like any overdraw, {want:?}, and leave 100"
            ))
        })?;
        Ok(pass(
            "a self-transfer returns, moves nothing, and refuses an overdraw",
        ))
    }

    /// The second opinion: real threads hammering two accounts both ways.
    /// A lock-order deadlock shows up here as a hang, often but not always.
    pub fn stress_opposite_transfers() -> Verdict {
        const THREADS: usize = 4;
        const TRANSFERS: usize = 10_000;
        let (one, two, (tried, moved)) = within(Duration::from_secs(10), "the stress run", || {
            // Work is bounded by time as well as count: on an overloaded
            // machine fewer transfers run, but a right solution always ends
            // well inside the 10 s; only a deadlock, which never ends, does not.
            let deadline = std::time::Instant::now() + Duration::from_secs(3);
            let one = Account::new(1, 150);
            let two = Account::new(2, 150);
            let start = Barrier::new(THREADS);
            // (transfers tried, transfers that went through)
            let counts: (usize, usize) = std::thread::scope(|s| {
                let workers: Vec<_> = (0..THREADS)
                    .map(|t| {
                        let (one, two, start, deadline) = (&one, &two, &start, &deadline);
                        s.spawn(move || {
                            start.wait();
                            (0..TRANSFERS)
                                .take_while(|_| std::time::Instant::now() < *deadline)
                                .map(|i| {
                                    // Each thread goes back and forth, and
                                    // at every step half the threads move
                                    // money the other way. Amounts of
                                    // 1..=200 on 150 each: balances wander,
                                    // and many transfers are refused.
                                    let (from, to) = if (i + t) % 2 == 0 {
                                        (one, two)
                                    } else {
                                        (two, one)
                                    };
                                    let amount = ((i / 2 * 7 + t * 13) % 200 + 1) as i64;
                                    transfer(from, to, amount).is_ok()
                                })
                                .fold((0, 0), |(tried, moved), ok| (tried + 1, moved + usize::from(ok)))
                        })
                    })
                    .collect();
                workers
                    .into_iter()
                    .map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .fold((0, 0), |(a, b), (c, d)| (a + c, b + d))
            });
            (one.balance(), two.balance(), counts)
        })
        .map_err(|_| {
            fail(format!(
                "{THREADS} threads making up to {} transfers back and forth between accounts 1 and 2 \
                 did not finish in 10 s: a deadlock? A thread moving 1 -> 2 holds account 1 and \
                 waits for 2 while one moving 2 -> 1 holds 2 and waits for 1. Lock the two \
                 accounts in one global order (by id), whichever way the money goes.",
                THREADS * TRANSFERS
            ))
        })?;
        let total = one + two;
        ensure(total == 300, || {
            fail(format!(
                "after the stress run the two accounts hold {total} together, not 300: money was \
                 created or lost. Check the funds and move the money while holding both locks."
            ))
            .figure("total", total, "== 300")
        })?;
        ensure(one >= 0 && two >= 0, || {
            fail(format!(
                "after the stress run account 1 holds {one} and account 2 holds {two}: below zero. \
                 Check the funds and withdraw under one hold of the lock."
            ))
        })?;
        ensure(moved > 0, || {
            fail("every one of the stress run's transfers was refused, though both accounts held money")
        })?;
        Ok(pass(format!(
            "all {tried} transfers tried ended ({moved} went through, the others were refused for lack of \
             funds); money conserved, no balance below zero"
        ))
        .figure("total", total, "== 300"))
    }
}

#[cfg(kata_shuttle)]
mod model {
    use super::*;
    use kata_harness::model::verdict;
    use kata_sync::model::{explore, narrate, spawn_named, Failure};
    use kata_sync::sync::Arc;
    use kata_sync::thread;

    /// Accounts 1, 2, ... with these opening balances, their locks watched.
    fn accounts(balances: &[i64]) -> Vec<Arc<Account>> {
        let accounts: Vec<_> = balances
            .iter()
            .zip(1..)
            .map(|(&balance, id)| Arc::new(Account::new(id, balance)))
            .collect();
        locks::start(&accounts);
        accounts
    }

    /// Starts `name` on transfer(from -> to, amount), narrating its start
    /// and its result; the lock steps in between come from `locks`.
    fn transferring(
        name: &str,
        accounts: &[Arc<Account>],
        from: usize,
        to: usize,
        amount: i64,
    ) -> thread::JoinHandle<Result<(), TransferError>> {
        let (from, to) = (
            Arc::clone(&accounts[from - 1]),
            Arc::clone(&accounts[to - 1]),
        );
        spawn_named(name, move || {
            let what = format!("transfer({} -> {}, {amount})", from.id(), to.id());
            narrate(format!("calls {what}"));
            let result = transfer(&from, &to, amount);
            narrate(format!("{what} returns {result:?}"));
            result
        })
    }

    fn join<T>(handle: thread::JoinHandle<T>) -> T {
        handle
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))
    }

    /// The final balances, read once the story is over.
    fn balances(accounts: &[Arc<Account>]) -> Vec<i64> {
        locks::stop();
        accounts.iter().map(|a| a.balance()).collect()
    }

    /// Who held and who waited when the execution stopped, as a sentence
    /// ("thread A holds account 1 and waits for account 2, while ..."), and
    /// the lines that end the story ("thread A: waits for account 2, which
    /// thread B holds").
    fn blocked(failure: &mut Failure) -> Option<String> {
        let waits = locks::waits();
        if waits.is_empty() {
            return None;
        }
        let mut clauses = Vec::new();
        for wait in &waits {
            let holds = match wait.holds.as_slice() {
                [] => String::new(),
                ids => format!(
                    "holds {} and ",
                    ids.iter()
                        .map(|id| format!("account {id}"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
            };
            clauses.push(format!(
                "{} {holds}waits for account {}",
                wait.who, wait.wants
            ));
            let by = match &wait.holder {
                Some(holder) if *holder == wait.who => " (which it holds itself)".to_string(),
                Some(holder) => format!(", which {holder} holds"),
                None => String::new(),
            };
            failure.trace.push(format!(
                "{}: waits for account {}{by}",
                wait.who, wait.wants
            ));
        }
        Some(match clauses.as_slice() {
            [one] => one.clone(),
            [one, two] => format!("{one}, while {two}"),
            [most @ .., last] => format!("{}, and {last}", most.join(", ")),
            [] => unreachable!("waits is not empty"),
        })
    }

    /// A thread waited for a lock it held: the re-entrant lock of a
    /// self-transfer (shuttle stops such a thread at once).
    fn self_locked(failure: &Failure) -> bool {
        failure.message.contains("already holds")
            || locks::waits().iter().any(|w| w.holds.contains(&w.wants))
    }

    const SELF_LOCKED: &str = "deadlock on a self-transfer: transfer(1 -> 1) locked account 1 \
        and then asked for account 1's lock again, while holding it. A Mutex is not reentrant: \
        a thread that locks it twice waits for itself forever. When `from` and `to` are the same \
        account, lock it once (and move nothing).";

    /// The verdict of a check whose failures are deadlocks (told by
    /// `deadlock`, from who held and who waited) or broken invariants (the
    /// test's own message). The checker's own deadlock report stays in the
    /// failure, for `verdict` to quote under the story.
    fn judge(
        result: Result<kata_sync::model::Explored, Failure>,
        passed: &str,
        deadlock: impl FnOnce(String) -> String,
    ) -> Verdict {
        let mut explained = None;
        let result = result.map_err(|mut failure| {
            if failure.deadlock {
                let story = blocked(&mut failure);
                explained = Some(if self_locked(&failure) {
                    SELF_LOCKED.to_string()
                } else {
                    deadlock(story.unwrap_or_else(|| {
                        "every thread holds an account and waits for another's".to_string()
                    }))
                });
            }
            failure
        });
        verdict(result, "ex05", passed, |failure| {
            explained.unwrap_or_else(|| failure.message.clone())
        })
    }

    pub fn opposite_transfers() -> Verdict {
        locks::install();
        let result = explore(|| {
            let accounts = accounts(&[100, 100]);
            let a = transferring("thread A", &accounts, 1, 2, 30);
            let b = transferring("thread B", &accounts, 2, 1, 50);
            let (a, b) = (join(a), join(b));
            assert!(
                a.is_ok() && b.is_ok(),
                "transfer(1 -> 2, 30) returned {a:?} and transfer(2 -> 1, 50) returned {b:?}, \
                 though both accounts held 100: both should go through"
            );
            let balances = balances(&accounts);
            assert!(
                balances == [120, 80],
                "after transfer(1 -> 2, 30) and transfer(2 -> 1, 50) from 100 each, the accounts \
                 hold {} and {}, not 120 and 80: money was created or lost. Move it while holding \
                 both accounts' locks.",
                balances[0],
                balances[1]
            );
        });
        judge(result, "no deadlock, and 120 + 80 at the end", |story| {
            format!(
                "deadlock: {story}. The two threads took the same two locks in opposite orders, \
                 so each waits for the other forever. Lock the two accounts of a transfer in one \
                 global order (by id, smaller first), whichever way the money goes."
            )
        })
    }

    pub fn three_account_cycle() -> Verdict {
        locks::install();
        let result = explore(|| {
            let accounts = accounts(&[100, 100, 100]);
            let a = transferring("thread A", &accounts, 1, 2, 10);
            let b = transferring("thread B", &accounts, 2, 3, 20);
            let c = transferring("thread C", &accounts, 3, 1, 30);
            let results = [join(a), join(b), join(c)];
            assert!(
                results.iter().all(Result::is_ok),
                "transfer(1 -> 2, 10), transfer(2 -> 3, 20) and transfer(3 -> 1, 30) returned \
                 {results:?}, though every account held enough: all three should go through"
            );
            let balances = balances(&accounts);
            let total: i64 = balances.iter().sum();
            assert!(
                balances == [120, 90, 90],
                "after the three transfers the accounts hold {balances:?} (total {total}), not \
                 [120, 90, 90] (total 300): money was created or lost. Move it while holding \
                 both accounts' locks."
            );
        });
        judge(result, "no deadlock, and 300 in all at the end", |story| {
            format!(
                "deadlock: {story}: a cycle, each thread holding the account the next one waits \
                 for. Lock the two accounts of a transfer in one global order (by id, smaller \
                 first): threads that all climb the ids the same way can never close a cycle."
            )
        })
    }

    pub fn never_negative() -> Verdict {
        locks::install();
        let result = explore(|| {
            let accounts = accounts(&[100, 0, 0]);
            let a = transferring("thread A", &accounts, 1, 2, 60);
            let b = transferring("thread B", &accounts, 1, 3, 60);
            let results = [join(a), join(b)];
            let balances = balances(&accounts);
            let total: i64 = balances.iter().sum();
            assert!(
                balances[0] >= 0,
                "account 1 ended at {}: below zero. Both transfers of 60 found enough money in \
                 account 1 (100) and both took it: between the check (\"is there enough?\") and \
                 the act (\"take it\") the lock was released, and the other transfer got in. \
                 Check the funds and withdraw under one hold of the lock.",
                balances[0]
            );
            assert!(
                total == 100,
                "the accounts hold {balances:?} after the two transfers, {total} in all, not 100: \
                 money was created or lost. Move it while holding both accounts' locks."
            );
            let refused = Err(TransferError::InsufficientFunds {
                needed: 60,
                available: 40,
            });
            assert!(
                matches!(results, [Ok(()), ref r] | [ref r, Ok(())] if *r == refused),
                "two transfers of 60 from account 1 (holding 100) returned {results:?}: the first \
                 to lock account 1 should go through, and the other be refused with {refused:?}"
            );
        });
        judge(
            result,
            "one transfer refused, no balance below zero",
            |story| {
                format!(
                    "deadlock: {story}. Two transfers out of one account should never wait for \
                     each other forever: take the locks in one global order (by id)."
                )
            },
        )
    }

    pub fn self_transfer() -> Verdict {
        locks::install();
        let result = explore(|| {
            let accounts = accounts(&[100, 100]);
            let a = transferring("thread A", &accounts, 1, 1, 50);
            let b = transferring("thread B", &accounts, 2, 1, 30);
            let (a, b) = (join(a), join(b));
            assert!(
                a.is_ok() && b.is_ok(),
                "transfer(1 -> 1, 50) returned {a:?} and transfer(2 -> 1, 30) returned {b:?}, \
                 though both accounts held enough: both should go through"
            );
            let balances = balances(&accounts);
            assert!(
                balances == [130, 70],
                "after transfer(1 -> 1, 50) and transfer(2 -> 1, 30) from 100 each, the accounts \
                 hold {} and {}, not 130 and 70. A self-transfer moves nothing.",
                balances[0],
                balances[1]
            );
        });
        judge(result, "no deadlock, and 130 + 70 at the end", |story| {
            format!(
                "deadlock: {story}. A self-transfer locks one account, once; the other transfer \
                 locks its two in one global order (by id)."
            )
        })
    }
}
