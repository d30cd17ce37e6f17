//! Closed sets of names (kinds, severities, statuses) share one shape: a
//! fieldless enum with a fixed text for each variant, used in files,
//! reports and the store. The `named_enum!` macro writes that shape once.

/// Declares a fieldless enum whose variants serialize as the given text,
/// with `ALL`, `as_str`, `parse` and `Display`. Exported so that other sef
/// crates (the process crate's questionnaire answers, for one) share the
/// shape; the calling crate must depend on `serde` and `schemars`.
#[macro_export]
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name used in files, reports and the store.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }

            /// Looks a variant up by its name.
            pub fn parse(name: &str) -> Option<Self> {
                match name {
                    $( $text => Some($name::$variant), )+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use crate::named_enum;

/// SHA-256 over parts, each prefixed with its length so that `["ab", "c"]`
/// and `["a", "bc"]` differ.
pub(crate) fn hash_parts<I, B>(parts: I) -> [u8; 32]
where
    I: IntoIterator<Item = B>,
    B: AsRef<[u8]>,
{
    use sha2::{Digest as _, Sha256};
    // Many small parts (a thousand components' names) are gathered and
    // hashed in large updates: the same bytes, a tenth of the work.
    const BATCH: usize = 64 * 1024;
    let mut h = Sha256::new();
    let mut buf: Vec<u8> = Vec::new();
    for p in parts {
        let p = p.as_ref();
        buf.extend_from_slice(&(p.len() as u64).to_le_bytes());
        if p.len() >= BATCH {
            h.update(&buf);
            buf.clear();
            h.update(p);
            continue;
        }
        buf.extend_from_slice(p);
        if buf.len() >= BATCH {
            h.update(&buf);
            buf.clear();
        }
    }
    h.update(&buf);
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::hash_parts;
    use sha2::{Digest as _, Sha256};

    /// Each part hashed on its own, as the batching must equal.
    fn one_by_one(parts: &[Vec<u8>]) -> [u8; 32] {
        let mut h = Sha256::new();
        for p in parts {
            h.update((p.len() as u64).to_le_bytes());
            h.update(p);
        }
        h.finalize().into()
    }

    #[test]
    fn batching_hashes_the_same_bytes() {
        let sizes = [0, 1, 7, 63, 64, 65, 1000, 64 * 1024 - 9, 64 * 1024, 200_000];
        let mut parts: Vec<Vec<u8>> = Vec::new();
        for (i, n) in sizes.iter().cycle().take(60).enumerate() {
            parts.push((0..*n).map(|b| (b * 31 + i) as u8).collect());
            assert_eq!(
                hash_parts(&parts),
                one_by_one(&parts),
                "{} parts",
                parts.len()
            );
        }
        assert_eq!(hash_parts(Vec::<Vec<u8>>::new()), one_by_one(&[]));
    }
}
