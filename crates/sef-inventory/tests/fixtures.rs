//! Every real edge-case file under ../shared/data/lockfiles/<format>/ is
//! covered: it yields exactly the packages written here, or (malformed
//! ones) a diagnostic. A format's test fails when a file in its directory
//! has no expectation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::{Expect::*, check_format};

#[test]
fn cargo_lock() {
    check_format(
        "cargolock",
        "cargo-lock",
        &[
            ("duplicate.lock", Packages(&["syn@1.0.73", "syn@2.0.0"])),
            ("empty.lock", Packages(&[])),
            (
                "many-packages.lock",
                Packages(&[
                    "aho-corasick@0.7.18",
                    "libc@0.2.140",
                    "memchr@2.4.1",
                    "syn@1.0.109",
                    "syn@2.0.15",
                    "zstd@0.11.2",
                ]),
            ),
            ("not-toml.txt", Error("not valid TOML")),
            ("one-package.lock", Packages(&["addr2line@0.15.2"])),
            (
                "package-with-build-string.lock",
                Packages(&["wasi@0.10.2+wasi-snapshot-preview1"]),
            ),
            (
                "package-with-comments.lock",
                Packages(&["addr2line@0.15.2", "syn@1.0.73"]),
            ),
            (
                "two-packages-with-local.lock",
                Packages(&["addr2line@0.15.2", "local-rust-pkg@0.1.0 (first-party)"]),
            ),
            (
                "two-packages.lock",
                Packages(&["addr2line@0.15.2", "syn@1.0.73"]),
            ),
        ],
    );
}
