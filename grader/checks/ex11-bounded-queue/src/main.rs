//! The hidden checks of ex11 · A bounded blocking queue: on real threads (items counted
//! out by the check, its own meter of what is inside, blocked threads' CPU, histories), and
//! under shuttle (`--cfg kata_shuttle`), whose `Condvar` wakes spuriously and times out.

use kata_harness::Verdict;
use std::process::ExitCode;
use std::time::Duration;

kata_harness::exercise!(BoundedQueue);

#[cfg(kata_shuttle)]
mod model;
#[cfg(not(kata_shuttle))]
mod plain;

fn main() -> ExitCode {
    kata_harness::main(&kata_harness::checks! {
        #[cfg(not(kata_shuttle))] {
            "one-thread" => plain::one_thread,
                "new(0) panics; FIFO order, len(), offer on a full queue and poll on an empty one, on one thread";
            "every-item-once-in-order" => plain::every_item_once_in_order,
                "2 producers, 2 consumers: every item out exactly once, each producer's items in order";
            "capacity-held" => plain::capacity_held,
                "under contention, the check's own count of items inside never exceeds the capacity";
            "put-blocks-asleep" => plain::put_blocks_asleep,
                "put on a full queue blocks, uses almost no CPU, and len/offer answer meanwhile";
            "take-blocks-asleep" => plain::take_blocks_asleep,
                "take on an empty queue blocks, uses almost no CPU, and len/poll answer meanwhile";
            "linearizable" => plain::linearizable,
                "3 real threads calling put, offer, take, poll and len: every history has a sequential order";
        }
        #[cfg(kata_shuttle)] {
            "model-wait-in-a-loop" => model::wait_in_a_loop,
                "2 putters and 2 takers of 2 items, capacity 1, spurious and stolen wake-ups: no take from empty, no put into full";
            "model-no-lost-wake-up" => model::no_lost_wake_up,
                "2 putters and 2 takers of 2 items each, capacity 2: all finish, every item once, in order";
            "model-poll-timeout" => model::poll_timeout,
                "on the model's clock, poll gives up at its timeout, yet takes an item put in time";
            "model-offer-timeout" => model::offer_timeout,
                "on the model's clock, offer gives up at its timeout, yet takes room made in time";
        }
    })
}

/// What is said when items were lost, doubled or out of order.
const ONCE_IN_ORDER: &str = "A queue hands out each item once, the oldest first: look and pop \
                             (or push) in one lock scope, push at the back, pop at the front.";

/// What is said when more items were inside than the capacity.
const FULL: &str = "(The check counts +1 when a put returns and −1 when a take begins, so it \
                    never counts more than are inside.) A put must wait in a loop while the \
                    queue is full (`while items.len() == capacity`), and push under the lock \
                    that saw the room.";
