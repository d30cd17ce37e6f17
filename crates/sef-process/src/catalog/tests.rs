//! Catalog integrity: unique, well-formed ids; every category populated at
//! every tier; every ASVS and CWE reference well-formed.

use super::*;
use crate::asvs;
use std::collections::HashSet;

#[test]
fn at_least_120_requirements() {
    assert!(all().count() >= 120, "{}", all().count());
}

#[test]
fn ids_are_unique_and_follow_the_category_prefix() {
    let mut seen = HashSet::new();
    for r in all() {
        assert!(seen.insert(r.id), "duplicate id {}", r.id);
        let rest = r
            .id
            .strip_prefix(r.category.id_prefix())
            .unwrap_or_else(|| panic!("{} does not start with {}", r.id, r.category.id_prefix()));
        assert_eq!(rest.len(), 3, "{}", r.id);
        assert!(rest.bytes().all(|b| b.is_ascii_digit()), "{}", r.id);
        assert_eq!(get(r.id), Some(r));
    }
    assert_eq!(get("SEF-NOPE-001"), None);
}

#[test]
fn ids_are_numbered_in_order_without_gaps() {
    for c in Category::ALL {
        let nums: Vec<u32> = all()
            .filter(|r| r.category == *c)
            .map(|r| r.id[c.id_prefix().len()..].parse().unwrap())
            .collect();
        let expected: Vec<u32> = (1..=u32::try_from(nums.len()).unwrap()).collect();
        assert_eq!(nums, expected, "{c}");
    }
}

#[test]
fn every_category_is_populated_at_every_tier() {
    for c in Category::ALL {
        let n = all().filter(|r| r.category == *c).count();
        assert!(n >= 10, "{c} has {n} requirements");
        for t in Tier::ALL {
            assert!(
                for_tier(t).any(|r| r.category == *c),
                "{c} has no requirement at tier {t}"
            );
        }
    }
}

#[test]
fn tiers_are_nested_and_grow() {
    let mut last = 0;
    for t in Tier::ALL {
        let n = for_tier(t).count();
        assert!(n > last, "tier {t}: {n}");
        last = n;
    }
    assert_eq!(for_tier(Tier::CRITICAL).count(), all().count());
}

#[test]
fn min_tiers_are_1_to_4() {
    for g in groups() {
        for e in g.1 {
            assert!(Tier::new(e.min_tier).is_some(), "{}", e.id);
        }
    }
}

#[test]
fn asvs_references_are_asvs_5_ids() {
    let mut referenced = 0;
    for r in all() {
        for id in r.asvs {
            assert!(
                asvs::is_asvs5_id(id),
                "{}: {id} is not an ASVS 5.0 id",
                r.id
            );
            referenced += 1;
        }
    }
    assert!(referenced >= 120);
}

#[test]
fn cwe_references_are_well_formed() {
    let mut n = 0;
    for r in all() {
        let mut seen = HashSet::new();
        for c in r.cwe {
            // CWE ids are positive and (as of CWE 4.x) below 1500
            assert!((1..1500).contains(c), "{}: CWE-{c}", r.id);
            assert!(seen.insert(c), "{}: CWE-{c} twice", r.id);
            n += 1;
        }
        assert!(
            !r.asvs.is_empty() || !r.cwe.is_empty(),
            "{} cites neither ASVS nor CWE",
            r.id
        );
    }
    assert!(n >= 100);
}

#[test]
fn statements_are_concise_sentences() {
    for r in all() {
        assert!(r.statement.ends_with('.'), "{}", r.id);
        assert!(
            r.statement.len() >= 20 && r.statement.len() <= 200,
            "{}",
            r.id
        );
        assert!(
            r.statement.chars().next().unwrap().is_uppercase(),
            "{}",
            r.id
        );
    }
}

#[test]
fn tiers_label() {
    let r = get("SEF-AUTH-001").unwrap();
    assert_eq!(r.tiers_label(), "1-4");
    assert!(r.applies_to(Tier::LOW));
    let r = get("SEF-AUTH-019").unwrap();
    assert_eq!(r.tiers_label(), "4");
    assert!(!r.applies_to(Tier::HIGH));
}
