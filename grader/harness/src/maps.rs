//! Maps shared by threads: the sequential specification of a cache with
//! `get`, `insert` and `get_or_insert_with`, for histories ([`Map`],
//! [`MapCall`]).
//!
//! The calls are those of a `HashMap` behind a lock (and of Python's
//! `dict.get`, `d[k] = v` and `setdefault`): `insert` returns the value it
//! replaced, `get_or_insert_with(k, make)` the stored value, or `make()`'s
//! once stored. Its `make` here returns the call's own value, so a history
//! shows whose value won; the values are [`Yielding`], so that the copies a
//! cache makes under its locks take time.

use crate::histories::Choices;
use crate::linearizable::Model;
use std::collections::BTreeMap;
use std::fmt;

/// A call on a map of small keys to numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapCall {
    Get(u8),
    Insert(u8, u32),
    /// `get_or_insert_with(key, || value)`.
    GetOrInsert(u8, u32),
}

impl fmt::Display for MapCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MapCall::Get(k) => write!(f, "get(&{k})"),
            MapCall::Insert(k, v) => write!(f, "insert({k}, {v})"),
            MapCall::GetOrInsert(k, v) => write!(f, "get_or_insert_with({k}, ↦ {v})"),
        }
    }
}

impl MapCall {
    /// Call `i` of thread `thread`: one of the three, picked, on one of
    /// `keys` keys, with a value that no other call of the round uses.
    pub fn pick(choices: &mut Choices, thread: usize, i: usize, keys: u64) -> MapCall {
        let (key, value) = (choices.pick(keys) as u8, (thread * 100 + i + 1) as u32);
        match choices.pick(3) {
            0 => MapCall::Get(key),
            1 => MapCall::Insert(key, value),
            _ => MapCall::GetOrInsert(key, value),
        }
    }

    /// What a call returned, as [`Map`] says it: `Some(3)` / `None` (a get,
    /// an insert), `3` (a get_or_insert_with, given as `Some(3)`).
    pub fn said(self, ret: Option<u32>) -> String {
        match (self, ret) {
            (MapCall::GetOrInsert(..), Some(v)) => v.to_string(),
            (_, ret) => format!("{ret:?}"),
        }
    }
}

/// A stored number whose `clone` lets the other threads run first
/// (`yield_now`): what a cache clones under its lock then takes a while, so
/// a copy of the map made under one lock and stored back under another (an
/// insert that loses another's) is overtaken on a busy machine too.
#[derive(Debug, PartialEq, Eq)]
pub struct Yielding(pub u32);

impl Clone for Yielding {
    fn clone(&self) -> Self {
        std::thread::yield_now();
        Yielding(self.0)
    }
}

/// The map as one thread sees it.
#[derive(Clone, Debug, Default, Hash, PartialEq, Eq)]
pub struct Map(pub BTreeMap<u8, u32>);

impl Model for Map {
    type Call = MapCall;
    type Ret = String;
    fn step(&mut self, call: &MapCall) -> Option<String> {
        let ret = match *call {
            MapCall::Get(k) => self.0.get(&k).copied(),
            MapCall::Insert(k, v) => self.0.insert(k, v),
            MapCall::GetOrInsert(k, v) => Some(*self.0.entry(k).or_insert(v)),
        };
        Some(call.said(ret))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linearizable::{check, Op};

    fn op(thread: usize, call: MapCall, ret: &str, begin: u64, end: u64) -> Op<MapCall, String> {
        Op { thread, call, ret: Some(ret.into()), begin, end }
    }

    #[test]
    fn the_map_answers_as_a_hash_map() {
        let mut map = Map::default();
        let calls = [
            (MapCall::Get(1), "None"),
            (MapCall::GetOrInsert(1, 5), "5"),
            (MapCall::GetOrInsert(1, 6), "5"),
            (MapCall::Insert(1, 7), "Some(5)"),
            (MapCall::Get(1), "Some(7)"),
        ];
        for (call, want) in calls {
            assert_eq!(map.step(&call).as_deref(), Some(want), "{call}");
        }
        assert_eq!(MapCall::GetOrInsert(0, 3).to_string(), "get_or_insert_with(0, ↦ 3)");
    }

    #[test]
    fn two_makes_that_both_win_are_not_linearizable() {
        use MapCall::GetOrInsert as Make;
        // Overlapping, each got its own value: one must have seen the other's.
        let both = [op(0, Make(1, 10), "10", 0, 3), op(1, Make(1, 20), "20", 1, 2)];
        assert!(check(&Map::default(), &both).is_err());
        let one = [op(0, Make(1, 10), "10", 0, 3), op(1, Make(1, 20), "10", 1, 2)];
        assert!(check(&Map::default(), &one).is_ok());
    }

    #[test]
    fn picked_calls_repeat_and_keep_their_values_apart() {
        let picks = |thread| {
            let mut choices = Choices::new(3, thread);
            (0..6).map(|i| MapCall::pick(&mut choices, thread, i, 2)).collect::<Vec<_>>()
        };
        assert_eq!(picks(1), picks(1));
        let value = |c: &MapCall| match *c {
            MapCall::Insert(_, v) | MapCall::GetOrInsert(_, v) => Some(v),
            MapCall::Get(_) => None,
        };
        assert!(picks(1).iter().filter_map(value).all(|v| (101..=106).contains(&v)));
    }
}
