use super::*;
use std::collections::HashSet;

#[test]
fn the_catalog_is_large_unique_and_compiles() {
    let c = catalog();
    assert!(c.len() >= 150, "{} rules", c.len());
    let mut ids = HashSet::new();
    for b in c {
        assert!(ids.insert(b.id), "duplicate id {}", b.id);
        assert!(
            b.id.chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
            "{}",
            b.id
        );
        b.rule().unwrap_or_else(|e| panic!("{e}"));
        b.check().unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !b.keywords().is_empty(),
            "{} has no prefilter keyword",
            b.id
        );
    }
}

#[test]
fn every_rule_finds_its_positive_and_not_its_negative() {
    let all = rule_set();
    let mut failures = Vec::new();
    for b in catalog() {
        let (pos, neg) = b.examples().unwrap();
        // The rule on its own finds its positive and not its negative.
        let set = RuleSet::new(vec![b.rule().unwrap()], Vec::new(), Vec::new());
        let hits = set.scan("example.txt", pos.as_bytes(), None);
        if !hits.iter().any(|h| h.rule == b.id) {
            failures.push(format!("{}: positive not found: {pos}", b.id));
        }
        // In the whole catalog, some rule reports it (a more specific one
        // listed earlier may take the same secret).
        if all.scan("example.txt", pos.as_bytes(), None).is_empty() {
            failures.push(format!(
                "{}: positive not found by the catalog: {pos}",
                b.id
            ));
        }
        let hits = set.scan("example.txt", neg.as_bytes(), None);
        if hits.iter().any(|h| h.rule == b.id) {
            failures.push(format!("{}: negative found: {neg}", b.id));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn hits_never_carry_the_secret() {
    let set = rule_set();
    for b in catalog() {
        let (pos, _) = b.examples().unwrap();
        for h in set.scan("x", pos.as_bytes(), None) {
            let json = serde_json::to_string(&h).unwrap();
            // The longest quoted or assigned value of the example.
            for token in pos.split(|c: char| "\"' =:\n".contains(c)) {
                if token.len() >= 16 {
                    assert!(!json.contains(token), "{}: {json}", b.id);
                }
            }
        }
    }
}
