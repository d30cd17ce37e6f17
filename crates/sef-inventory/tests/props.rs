//! Property tests of the parsers of untrusted input: whatever the bytes,
//! every extractor returns components or an error, never panics. Inputs are
//! arbitrary bytes, and real fixtures truncated, bit-flipped and spliced.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use proptest::prelude::*;
use sef_inventory::{Input, builtin, extract_file};
use std::sync::OnceLock;

fn fixtures() -> &'static Vec<Vec<u8>> {
    static F: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    F.get_or_init(|| {
        let root = support::fixtures_dir();
        let mut out = Vec::new();
        let mut stack = vec![root];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if let Ok(b) = std::fs::read(&p)
                    && b.len() < 64 * 1024
                {
                    out.push(b);
                }
            }
        }
        out
    })
}

fn run_all(bytes: &[u8]) {
    for ex in builtin() {
        // No include reader: the property is about the bytes alone.
        let _ = extract_file(
            ex.as_ref(),
            &Input {
                path: "x/lockfile",
                bytes,
                include: None,
                list_dirs: None,
            },
        );
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (
            any::<usize>(),
            prop::collection::vec(
                prop::sample::select(b"{}[]\"':,\n #@/=-_.0123456789abc\\\x00\xff".to_vec()),
                1..16
            )
        )
            .prop_map(|(i, v)| Mutation::Insert(i, v)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
    ]
}

fn apply(mut b: Vec<u8>, muts: &[Mutation]) -> Vec<u8> {
    for m in muts {
        let len = b.len().max(1);
        match m {
            Mutation::Truncate(i) => b.truncate(i % len),
            Mutation::Flip(i, x) => {
                if !b.is_empty() {
                    let j = i % b.len();
                    b[j] ^= x;
                }
            }
            Mutation::Insert(i, v) => {
                let j = i % (b.len() + 1);
                b.splice(j..j, v.iter().copied());
            }
            Mutation::Delete(i, n) => {
                if !b.is_empty() {
                    let j = i % b.len();
                    let end = (j + n).min(b.len());
                    b.drain(j..end);
                }
            }
        }
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        run_all(&bytes);
    }

    #[test]
    fn mutated_real_lockfiles_never_panic(index in any::<usize>(), muts in prop::collection::vec(mutation(), 1..6)) {
        let f = fixtures();
        let bytes = apply(f[index % f.len()].clone(), &muts);
        run_all(&bytes);
    }
}
