//! Arbitrary-size non-negative integers as digit strings, ordered by value.

use std::cmp::Ordering;

/// A decimal number of any size.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Num(String);

impl Num {
    /// From ASCII digits (leading zeros are dropped).
    pub(crate) fn new(digits: &str) -> Num {
        let t = digits.trim_start_matches('0');
        Num(t.to_owned())
    }

    /// Whether the number is zero.
    pub(crate) fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Whether `s` is non-empty and all ASCII digits.
pub(crate) fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}
