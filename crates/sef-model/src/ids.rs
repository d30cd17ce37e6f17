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
    fn ids_sort_by_time() {
        let a = RunId::generate();
        let b = RunId::generate();
        assert!(a < b);
        assert_eq!(a.as_uuid().get_version_num(), 7);
    }
}
