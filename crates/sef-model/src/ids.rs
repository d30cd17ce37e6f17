//! Typed identifiers. Each is a UUIDv7 (time-ordered) behind a newtype so a
//! run id can never be passed where a finding id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// An identifier string that is not a valid UUID.
#[derive(Debug, thiserror::Error)]
#[error("`{input}` is not a valid id: {source}")]
pub struct IdParseError {
    input: String,
    #[source]
    source: uuid::Error,
}

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new random, time-ordered identifier (UUIDv7).
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }

            /// The wrapped UUID.
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }

            /// Wraps an existing UUID.
            pub fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = IdParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s)
                    .map(Self)
                    .map_err(|source| IdParseError { input: s.to_owned(), source })
            }
        }
    };
}

typed_id!(
    /// Identifies one assessment run.
    RunId
);
typed_id!(
    /// Identifies one evidence record.
    EvidenceId
);
typed_id!(
    /// Identifies one finding occurrence in one run.
    FindingId
);

/// The shortest prefix of `id` (at least 8 characters) that no other id
/// shares, given its neighbours in sorted order (ids that share a longer
/// prefix with `id` than any other are always its neighbours).
pub fn unique_prefix(id: RunId, below: Option<RunId>, above: Option<RunId>) -> String {
    let s = id.to_string();
    let common = |o: Option<RunId>| {
        o.map_or(0, |o| {
            s.bytes()
                .zip(o.to_string().bytes())
                .take_while(|(a, b)| a == b)
                .count()
        })
    };
    let mut n = (common(below).max(common(above)) + 1).clamp(8, s.len());
    // never end on a dash: "019ad9c1-" reads as a typo
    if s.as_bytes().get(n - 1) == Some(&b'-') {
        n += 1;
    }
    s.chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text() {
        let id = RunId::generate();
        let parsed: RunId = id.to_string().parse().unwrap();
        assert_eq!(id, parsed);
        assert!("not-a-uuid".parse::<RunId>().is_err());
    }

    #[test]
    fn unique_prefixes_grow_only_as_far_as_needed() {
        let a: RunId = "019ad9c1-1111-7000-8000-000000000000".parse().unwrap();
        let b: RunId = "019ad9c1-1122-7000-8000-000000000000".parse().unwrap();
        let c: RunId = "019ad9c2-0000-7000-8000-000000000000".parse().unwrap();
        assert_eq!(unique_prefix(a, None, Some(b)), "019ad9c1-111");
        assert_eq!(unique_prefix(b, Some(a), Some(c)), "019ad9c1-112");
        assert_eq!(unique_prefix(c, Some(b), None), "019ad9c2");
        assert_eq!(unique_prefix(c, None, None), "019ad9c2");
    }

    #[test]
    fn ids_sort_by_time() {
        let a = RunId::generate();
        let b = RunId::generate();
        assert!(a < b);
        assert_eq!(a.as_uuid().get_version_num(), 7);
    }
}
