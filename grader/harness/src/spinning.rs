//! Verdicts for code that waits by spinning (spin locks, flags polled in a
//! loop), which the blocking exercises' words do not fit.
//!
//! - [`built_as`]: one [`Rule`] of how a function is built, read from the
//!   crate's source, as a verdict (how a spin lock waits cannot be seen from
//!   outside: a compare-exchange loop excludes as well as a load loop);
//! - [`lesson`]: a model-checking failure in the words of spin-waiting
//!   code: the lesson of its tag, or, when the checker gave up on a loop,
//!   [`ENDLESS`] (the facade's own words advise a `Condvar`);
//! - [`gave_up`]: loom cannot finish some right spin loops (a waiter whose
//!   every turn is a write, like a `swap`, always has a new value to read),
//!   so a give-up is inconclusive where a real-thread check judges the end.

use crate::source::{judge, Finding, Rule, Sources};
use crate::{fail, inconclusive, pass, Verdict};

/// Holds `function`'s source to `rule`: a pass saying `passed`, or the
/// rule's failure with the files read.
///
/// # Errors
/// The failure: a stub, the function missing, or the rule broken.
pub fn built_as(sources: std::io::Result<Sources>, rule: &Rule, passed: &str) -> Verdict {
    let sources = match sources {
        Ok(sources) => sources,
        Err(e) => {
            return Ok(inconclusive(format!(
                "could not read your crate's source to see how `{}` is built: {e}",
                rule.function
            )))
        }
    };
    match judge(&sources, rule) {
        Finding::Fine => Ok(pass(format!("read in {}: {passed}", sources.shown()))),
        Finding::Stub => Err(fail(crate::panicking::STILL_A_STUB)),
        Finding::Missing(why) | Finding::Problem(why) => Err(fail(why).detail(format!(
            "(Read from {}: the body of `fn {}` and what of those files it names.)",
            sources.shown(),
            rule.function
        ))),
    }
}

/// What a wait loop that never ended means in spin-waiting code.
pub const ENDLESS: &str = "a wait loop never ended: under the model checker a loop that does \
    not call `hint::spin_loop()` (or `thread::yield_now()`) on every turn never lets the thread \
    it waits for run, so call it in each wait loop. Or the loop waits for something that never \
    comes: a lock never unlocked, or a flag that nobody sets on the path taken (a sender dropped \
    without saying so?).";

/// The facade's words for a schedule the checker gave up on
/// (`kata_sync::model`'s teaching text starts so).
const LOOPED: &str = "looped without ever blocking";

/// Whether the checker gave up on a schedule in which a thread kept looping.
pub fn gave_up(message: &str) -> bool {
    message.contains(LOOPED)
}

/// The lesson for a failure whose panic message is `message`: [`ENDLESS`]
/// for a give-up, else the text of the first of `lessons` whose tag is in
/// the message, else the message itself, said as a panic of the code.
pub fn lesson(message: &str, lessons: &[(&str, &str)]) -> String {
    if gave_up(message) {
        return ENDLESS.to_string();
    }
    match lessons.iter().find(|(tag, _)| message.contains(tag)) {
        Some((_, lesson)) => lesson.to_string(),
        None => format!("your code panicked under the model checker: {message}"),
    }
}

/// The verdict when loom gave up on a spinning schedule after `executions`
/// schedules that held: inconclusive, naming the checks that judge the rest.
pub fn gave_up_verdict(executions: u64, judged_by: &str) -> Verdict {
    Ok(inconclusive(format!(
        "loom gave up after {executions} schedules on one in which a thread kept spinning. loom \
         cannot finish some right spin loops (a waiter that retries a `swap` writes on every \
         turn, so there is always a new value to read), and gives up too on a lock never \
         unlocked or a wait loop without `hint::spin_loop()`. The schedules before it held; \
         {judged_by} judge the rest."
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: Rule = Rule {
        function: "lock",
        version: "the wait",
        technique: "a load loop",
        requires: &[(".load", "it never loads")],
        forbids: &[],
    };

    fn sources(text: &str) -> std::io::Result<Sources> {
        Ok(Sources::from_texts(vec![("lib.rs".into(), text.into())]))
    }

    #[test]
    fn a_rule_is_a_verdict_with_the_files_read() {
        let fine = built_as(sources("fn lock() { F.load(); }"), &RULE, "loads").unwrap();
        assert_eq!(fine.message, "read in lib.rs: loads");
        let broken = built_as(sources("fn lock() { F.swap(); }"), &RULE, "loads").unwrap_err();
        assert!(broken.message.contains("but it never loads"), "{}", broken.message);
        let stub = built_as(sources("fn lock() { todo!() }"), &RULE, "").unwrap_err();
        assert_eq!(stub.message, crate::panicking::STILL_A_STUB);
        let unread = built_as(Err(std::io::Error::other("gone")), &RULE, "").unwrap();
        assert!(unread.message.contains("could not read"), "{}", unread.message);
    }

    #[test]
    fn lessons_by_tag_and_a_give_up_told_as_a_spin() {
        let lessons = [("NONE", "sent, but None")];
        assert_eq!(lesson("NONE: recv said None", &lessons), "sent, but None");
        assert_eq!(lesson("a thread looped without ever blocking until", &lessons), ENDLESS);
        assert!(lesson("boom", &lessons).ends_with("checker: boom"));
        assert!(gave_up_verdict(3, "x").unwrap().message.starts_with("loom gave up after 3"));
    }
}
