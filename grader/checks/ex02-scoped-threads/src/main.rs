//! The hidden checks of ex02 · Threads that borrow (being written).

use kata_harness::{ensure, fail, pass, within, Verdict};

kata_harness::exercise!(chunked_sum, chunked_sum_by);

fn main() -> std::process::ExitCode {
    kata_harness::main(&kata_harness::checks! {
        "sums-right" => sums_right, "the sum is right";
    })
}

fn sums_right() -> Verdict {
    let data: Vec<u64> = (1..=100).collect();
    let got = within(kata_harness::step_limit(), "chunked_sum", move || {
        (chunked_sum(&data, 4), chunked_sum_by(&data, 3, |x| x * 2))
    })?;
    ensure(got == (5050, 10100), || fail(format!("got {got:?}")))?;
    Ok(pass("right"))
}
