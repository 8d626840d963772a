//! The hidden checks of ex23 · Sliding-window rate limiter.
//!
//! Say here what the checks hand the code and what they measure: the
//! learner's code is untrusted, so each check counts for itself.

use kata_harness::{ensure, fail, pass, within, Verdict};

kata_harness::exercise!(sliding_window_limiter);

fn main() -> std::process::ExitCode {
    kata_harness::main(&kata_harness::checks! {
        "sums-the-items" => sums_the_items,
            "the sum of 1 to 100 is 5050";
    })
}

fn sums_the_items() -> Verdict {
    let got = within(kata_harness::step_limit(), "sliding_window_limiter on 100 items", || {
        sliding_window_limiter((1..=100).collect())
    })?;
    ensure(got == 5050, || {
        fail(format!("the sum of 1 to 100 is 5050, but sliding_window_limiter returned {got}"))
    })?;
    Ok(pass("1 to 100 add up to 5050"))
}
