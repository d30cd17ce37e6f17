//! Every line of the version-ordering test vectors in
//! ../shared/data/versions/ holds for its scheme.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sef_advisory::version::Scheme;
use std::cmp::Ordering;

fn check(files: &[&str], scheme: Scheme) {
    let dir = sef_testkit::shared("data/versions");
    let mut failures = Vec::new();
    let mut checked = 0;
    for file in files {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        for (n, line) in text.lines().enumerate() {
            let l = line.trim();
            if l.is_empty() || l.starts_with('#') || l.starts_with("//") {
                continue;
            }
            let parts: Vec<&str> = l.split(' ').collect();
            let [a, op, b] = parts.as_slice() else {
                panic!("{file}:{}: cannot read `{l}`", n + 1)
            };
            let want = match *op {
                "<" => Ordering::Less,
                "=" => Ordering::Equal,
                ">" => Ordering::Greater,
                _ => panic!("{file}:{}: unknown operator in `{l}`", n + 1),
            };
            checked += 1;
            let got = scheme.compare(a, b);
            let back = scheme.compare(b, a);
            if got != want || back != want.reverse() {
                failures.push(format!(
                    "{file}:{}: {l} (got {got:?}, reversed {back:?})",
                    n + 1
                ));
            }
        }
    }
    assert!(checked > 0);
    assert!(
        failures.is_empty(),
        "{} of {checked} failed:\n{}",
        failures.len(),
        failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn semver() {
    check(&["semver-versions.txt"], Scheme::Semver);
}

#[test]
fn pub_dev() {
    check(&["pub-versions.txt"], Scheme::Pub);
}

#[test]
fn pypi() {
    check(
        &["pypi-versions.txt", "pypi-versions-generated.txt"],
        Scheme::Pep440,
    );
}

#[test]
fn maven() {
    check(
        &["maven-versions.txt", "maven-versions-generated.txt"],
        Scheme::Maven,
    );
}

#[test]
fn nuget() {
    check(&["nuget-versions.txt"], Scheme::NuGet);
}

#[test]
fn rubygems() {
    check(
        &["rubygems-versions.txt", "rubygems-versions-generated.txt"],
        Scheme::RubyGems,
    );
}

#[test]
fn packagist() {
    check(
        &["packagist-versions.txt", "packagist-versions-generated.txt"],
        Scheme::Packagist,
    );
}

#[test]
fn debian() {
    check(
        &["debian-versions.txt", "debian-versions-generated.txt"],
        Scheme::Debian,
    );
}

#[test]
fn alpine() {
    check(
        &["alpine-versions.txt", "alpine-versions-generated.txt"],
        Scheme::Alpine,
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    const SCHEMES: [Scheme; 9] = [
        Scheme::Semver,
        Scheme::Pub,
        Scheme::Pep440,
        Scheme::Maven,
        Scheme::NuGet,
        Scheme::RubyGems,
        Scheme::Packagist,
        Scheme::Debian,
        Scheme::Alpine,
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Whatever the strings, comparison never panics, is reflexive and
        /// antisymmetric.
        #[test]
        fn ordering_is_consistent(a in "[0-9a-zA-Z.+~:_#!-]{0,24}", b in "[0-9a-zA-Z.+~:_#!-]{0,24}") {
            for s in SCHEMES {
                prop_assert_eq!(s.compare(&a, &a), Ordering::Equal, "{:?} {}", s, a);
                prop_assert_eq!(s.compare(&a, &b), s.compare(&b, &a).reverse(), "{:?} {} {}", s, a, b);
            }
        }

        /// Transitivity on triples of versions.
        #[test]
        fn ordering_is_transitive(mut v in prop::collection::vec("[0-9]{1,3}(\\.[0-9a-z]{1,3}){0,3}(-[a-z0-9.]{1,5})?", 3)) {
            for s in SCHEMES {
                v.sort_by(|x, y| s.compare(x, y));
                prop_assert_ne!(s.compare(&v[0], &v[2]), Ordering::Greater, "{:?} {:?}", s, v);
            }
        }
    }

    #[test]
    fn huge_versions_are_bounded() {
        let long = "1-".repeat(100_000);
        for s in SCHEMES {
            let _ = s.compare(&long, "1.0");
        }
    }
}
