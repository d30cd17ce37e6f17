//! CVSS vectors of ../shared/data/cvss/ reproduce their official base
//! scores (v3.0, v3.1: the first number; v4.0: its one score).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::str::FromStr;

fn check(file: &str) -> (usize, Vec<String>) {
    let p = sef_testkit::shared("data/cvss").join(file);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let mut n = 0;
    let mut bad = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let Some((vector, scores)) = line.rsplit_once(" - ") else {
            continue;
        };
        let want: f64 = scores
            .trim_matches(|c| c == '(' || c == ')')
            .split(',')
            .next()
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        n += 1;
        match cvss::Cvss::from_str(vector.trim()) {
            Ok(c) if (c.score() - want).abs() < 0.05 => {}
            Ok(c) => bad.push(format!("{vector}: got {} want {want}", c.score())),
            Err(e) => bad.push(format!("{vector}: {e}")),
        }
    }
    (n, bad)
}

#[test]
fn base_scores() {
    for f in [
        "vectors_simple3",
        "vectors_simple31",
        "vectors_calculator3",
        "vectors_simple4",
        "vectors_security4",
        "vectors_supplemental4",
        "vectors_threat4",
    ] {
        let (n, bad) = check(f);
        assert!(n > 0, "{f}: no vectors read");
        assert!(
            bad.is_empty(),
            "{f}: {} of {n} differ:\n{}",
            bad.len(),
            bad.join("\n")
        );
    }
}
