//! The built-in rules. Formats are the services' published token shapes;
//! the patterns and examples are sef's own.

use super::Builtin;
use std::sync::LazyLock;

macro_rules! tok {
    ($id:literal, $d:literal, $t:literal) => {
        Builtin {
            id: $id,
            description: $d,
            keywords: &[],
            kind: Kind::Token($t),
            entropy: None,
        }
    };
    ($id:literal, $d:literal, $t:literal, [$($k:literal),+]) => {
        Builtin {
            id: $id,
            description: $d,
            keywords: &[$($k),+],
            kind: Kind::Token($t),
            entropy: None,
        }
    };
}

macro_rules! asg {
    ($id:literal, $d:literal, [$($k:literal),+], $t:literal) => {
        Builtin {
            id: $id,
            description: $d,
            keywords: &[$($k),+],
            kind: Kind::Assigned($t),
            entropy: None,
        }
    };
}

macro_rules! raw {
    ($id:literal, $d:literal, [$($k:literal),+], $re:literal, $g:literal, $pos:expr, $neg:expr, $ml:literal, $ent:expr) => {
        Builtin {
            id: $id,
            description: $d,
            keywords: &[$($k),+],
            kind: Kind::Raw {
                regex: $re,
                group: $g,
                positive: $pos,
                negative: $neg,
                multiline: $ml,
            },
            entropy: $ent,
        }
    };
}

mod apis;
mod apps;
mod cloud;
mod devops;
mod formats;

/// The catalog, in this order: services first, general formats and generic
/// assignments last (the first rule that keeps a secret reports it).
pub(super) static CATALOG: LazyLock<Vec<Builtin>> = LazyLock::new(|| {
    [
        cloud::CLOUD,
        devops::DEVOPS,
        apps::APPS,
        apis::APIS,
        formats::FORMATS,
    ]
    .concat()
});
