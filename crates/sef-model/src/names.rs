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
    let mut h = Sha256::new();
    for p in parts {
        let p = p.as_ref();
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finalize().into()
}
