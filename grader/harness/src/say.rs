//! How checks write figures and results into their messages.

use std::fmt::Debug;

/// `1 234 567`: a big count, readable.
pub fn spaced(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// `Ok("body")`, `Err(Status(500))`: a result as the learner would write it.
pub fn result<T: Debug, E: Debug>(result: &Result<T, E>) -> String {
    match result {
        Ok(value) => format!("Ok({value:?})"),
        Err(e) => format!("Err({e:?})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaced_groups_thousands() {
        assert_eq!(spaced(0), "0");
        assert_eq!(spaced(999), "999");
        assert_eq!(spaced(1_000), "1 000");
        assert_eq!(spaced(1_234_567), "1 234 567");
    }

    #[test]
    fn result_reads_as_code() {
        assert_eq!(result::<_, ()>(&Ok("a")), "Ok(\"a\")");
        assert_eq!(result::<(), _>(&Err(500)), "Err(500)");
    }
}
