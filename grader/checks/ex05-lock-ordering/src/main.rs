//! The hidden checks of ex05 · Lock ordering.
//!
//! Two builds of this file run. The plain build checks values on one thread
//! and runs a stress test on real threads as a second opinion. The model
//! build (`--cfg kata_shuttle`) is the judge of the races: shuttle runs
//! opposite transfers, a cycle of three, two withdrawals that together
//! overdraw, a self-transfer beside another transfer, and two transfers
//! watched by observers that add up both balances mid-run, each under a
//! thousand schedules (fixed seeds). A lock-order deadlock needs both threads
//! to get their first lock before either gets its second; on real threads
//! that window is narrow, so a stress run alone can pass a wrong solution
//! many times in a row. The facade's own mutex tells the story lock by lock.

use kata_harness::contention::{Scenario, Turn};
use kata_harness::{fail, Outcome};
use std::process::ExitCode;

kata_harness::exercise!(transfer, Account, TransferError);
#[cfg(kata_shuttle)]
mod model;

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        #[cfg(not(kata_shuttle))] {
            "moves-money" => plain::moves_money,
                "a transfer moves money; an overdraw or a negative amount is refused and changes nothing";
            "self-transfer" => plain::self_transfer,
                "a transfer from an account to itself returns and changes nothing";
            "stress-opposite-transfers" => plain::stress_opposite_transfers,
                "4 real threads, up to 40,000 transfers (3 s at most) back and forth: all end, money conserved";
        }
        #[cfg(kata_shuttle)] {
            "model-opposite-transfers" => model::opposite_transfers,
                "1 -> 2 and 2 -> 1 at once: no deadlock, under every schedule tried";
            "model-three-account-cycle" => model::three_account_cycle,
                "1 -> 2, 2 -> 3 and 3 -> 1 at once: no deadlock, money conserved";
            "model-never-negative" => model::never_negative,
                "two withdrawals of 60 from 100 at once: one is refused, no balance below zero";
            "model-self-transfer" => model::self_transfer,
                "1 -> 1 beside 2 -> 1: no deadlock, money conserved";
            "model-one-step" => model::one_step,
                "1 -> 2 twice while observers add up both balances: the money is never in neither account, nor in both";
        }
    })
}

type Bank = Vec<Account>;
type Moved = Result<(), TransferError>;

/// A bank of accounts 1, 2, ... with these opening balances, each account's
/// lock named in the story.
fn bank(balances: &'static [i64]) -> impl Fn() -> Bank + Send + Sync + 'static {
    move || {
        let accounts: Bank = (1..).zip(balances).map(|(id, &b)| Account::new(id, b)).collect();
        for account in &accounts {
            kata_harness::contention::name_locks(account, format!("account {}", account.id()));
        }
        accounts
    }
}

fn ensure(holds: bool, otherwise: impl FnOnce() -> String) -> Result<(), Outcome> {
    kata_harness::ensure(holds, || fail(otherwise()))
}

#[cfg(not(kata_shuttle))]
mod plain {
    use super::*;
    use kata_harness::{pass, step_limit, within, Verdict};
    use std::time::Duration;

    /// How long a call on one thread may take: it should take microseconds,
    /// and one that hangs is a deadlock (2 s with kata.toml's 20).
    fn quick() -> Duration {
        step_limit() / 8
    }

    /// One thread, known balances: every outcome is exact.
    pub fn moves_money() -> Verdict {
        let short = |needed, available| Err(TransferError::InsufficientFunds { needed, available });
        // (what, from account 1?, amount, result, then account 1, account 2)
        #[rustfmt::skip]
        let steps: [(&str, bool, i64, Moved, i64, i64); 6] = [
            ("transfer(1 -> 2, 30)", true, 30, Ok(()), 70, 80),
            ("transfer(2 -> 1, 80), all of account 2", false, 80, Ok(()), 150, 0),
            ("transfer(2 -> 1, 1) from an empty account", false, 1, short(1, 0), 150, 0),
            ("transfer(1 -> 2, 1000), more than account 1 holds", true, 1000, short(1000, 150), 150, 0),
            ("transfer(1 -> 2, -5)", true, -5, Err(TransferError::NegativeAmount { amount: -5 }), 150, 0),
            ("transfer(1 -> 2, 0)", true, 0, Ok(()), 150, 0),
        ];
        let moves: Vec<(bool, i64)> = steps.iter().map(|s| (s.1, s.2)).collect();
        let done = within(quick(), "transfers on one thread", move || {
            let (one, two) = (Account::new(1, 100), Account::new(2, 50));
            let step = |&(from_one, amount): &(bool, i64)| {
                let moved = if from_one {
                    transfer(&one, &two, amount)
                } else {
                    transfer(&two, &one, amount)
                };
                (moved, one.balance(), two.balance())
            };
            moves.iter().map(step).collect::<Vec<_>>()
        })?;
        let (mut one, mut two) = (100, 50);
        for ((what, _, _, want, want_one, want_two), (result, after_one, after_two)) in
            steps.into_iter().zip(done)
        {
            ensure(result == want, || {
                format!(
                    "{what} returned {result:?}, but it should return {want:?} \
                     (account 1 held {one}, account 2 held {two})"
                )
            })?;
            ensure((after_one, after_two) == (want_one, want_two), || {
                let refused =
                    if want.is_err() { " A refused transfer must change nothing." } else { "" };
                format!(
                    "after {what}, account 1 holds {after_one} and account 2 holds {after_two}, \
                     but they should hold {want_one} and {want_two}.{refused}"
                )
            })?;
            (one, two) = (after_one, after_two);
        }
        Ok(pass("money moved; overdraws and a negative amount refused with the right error, changing nothing"))
    }

    /// A self-transfer that locks its account's mutex twice never returns:
    /// `within` turns that into a verdict that names the step.
    pub fn self_transfer() -> Verdict {
        let limit = quick();
        let (affordable, after_affordable, too_much, after_too_much, negative) =
            within(limit, "a self-transfer", || {
                let one = Account::new(1, 100);
                let affordable = transfer(&one, &one, 40);
                let after_affordable = one.balance();
                let too_much = transfer(&one, &one, 1000);
                (affordable, after_affordable, too_much, one.balance(), transfer(&one, &one, -5))
            })
            .map_err(|_| {
                fail(format!(
                    "a self-transfer, transfer(&account, &account, amount), did not return in \
                     {}: did it lock the account's mutex twice? A Mutex is not reentrant: a \
                     thread that locks it again while holding it waits for itself forever. When \
                     `from` and `to` are the same account, lock it once (and move nothing).",
                    kata_harness::protocol::human_duration(limit)
                ))
            })?;
        ensure(affordable == Ok(()) && after_affordable == 100, || {
            format!(
                "a self-transfer of 40 on an account holding 100 returned {affordable:?} and left \
                 {after_affordable}: it should return Ok(()) and leave 100 (nothing moves)"
            )
        })?;
        let want = Err(TransferError::InsufficientFunds { needed: 1000, available: 100 });
        ensure(too_much == want && after_too_much == 100, || {
            format!(
                "a self-transfer of 1000 on an account holding 100 returned {too_much:?} and left \
                 {after_too_much}: it should be refused like any overdraw, {want:?}, and leave 100"
            )
        })?;
        let want = Err(TransferError::NegativeAmount { amount: -5 });
        ensure(negative == want, || {
            format!(
                "a self-transfer of -5 returned {negative:?}: a negative amount is refused whatever \
                 the accounts, {want:?}. Refuse it before anything else, the self-transfer too."
            )
        })?;
        Ok(pass("a self-transfer returns, moves nothing, and refuses an overdraw"))
    }

    const THREADS: usize = 4;
    const TRANSFERS: usize = 10_000;

    /// The second opinion: real threads hammering two accounts both ways.
    /// A lock-order deadlock shows up here as a hang, often but not always.
    pub fn stress_opposite_transfers() -> Verdict {
        let hammering = |bank: &Bank, turn: &Turn| {
            let t = turn.thread;
            let mut counts = (0, 0); // (tried, went through)
            for i in (0..TRANSFERS).take_while(|_| turn.going()) {
                // Each thread goes back and forth, and at every step half the
                // threads move money the other way. Amounts of 1..=200 on 150
                // each: balances wander, and many transfers are refused.
                let (from, to) = if (i + t).is_multiple_of(2) { (0, 1) } else { (1, 0) };
                let amount = ((i / 2 * 7 + t * 13) % 200 + 1) as i64;
                let moved = transfer(&bank[from], &bank[to], amount).is_ok();
                counts = (counts.0 + 1, counts.1 + usize::from(moved));
            }
            counts
        };
        let what = format!(
            "{THREADS} threads making up to {} transfers back and forth between accounts 1 and 2",
            THREADS * TRANSFERS
        );
        let rounds = Scenario::new(what, bank(&[150, 150]))
            .threads(THREADS, hammering)
            // Bounded by time as well as count: on an overloaded machine
            // fewer transfers run, but only a deadlock never ends.
            .work_for(Duration::from_secs(3))
            .judge(|bank, parts| {
                let (one, two) = (bank[0].balance(), bank[1].balance());
                let total = one + two;
                kata_harness::ensure(total == 300, || {
                    fail(format!(
                        "after the stress run the two accounts hold {total} together, not 300: money \
                         was created or lost. Check the funds and move the money while holding both locks."
                    ))
                    .figure("total", total, "== 300")
                })?;
                ensure(one >= 0 && two >= 0, || {
                    format!(
                        "after the stress run account 1 holds {one} and account 2 holds {two}: below \
                         zero. Check the funds and withdraw under one hold of the lock."
                    )
                })?;
                ensure(parts.iter().any(|p| p.result.1 > 0), || {
                    "every one of the stress run's transfers was refused, though both accounts held money".into()
                })
            })
            .on_hang(
                "a deadlock? A thread moving 1 -> 2 holds account 1 and waits for 2 while one moving \
                 2 -> 1 holds 2 and waits for 1. Lock the two accounts in one global order (by id), \
                 whichever way the money goes.",
            )
            .stress(1, step_limit())?;
        let (tried, moved) =
            rounds[0].parts.iter().fold((0, 0), |(a, b), p| (a + p.result.0, b + p.result.1));
        Ok(pass(format!(
            "all {tried} transfers tried ended ({moved} went through, the others were refused for lack of \
             funds); money conserved, no balance below zero"
        ))
        .figure("total", 300, "== 300"))
    }
}
