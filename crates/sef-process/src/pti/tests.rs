//! Exhaustive tests of the PTI: every combination of answers.

use super::*;

fn all_answers() -> Vec<Questionnaire> {
    let mut out = Vec::with_capacity(122_880);
    for &c in DataClassification::ALL {
        for flags in 0u8..128 {
            let bit = |i: u8| Some(flags & (1 << i) != 0);
            for &e in Exposure::ALL {
                for &d in Deployment::ALL {
                    for &k in Criticality::ALL {
                        for &s in UserScale::ALL {
                            out.push(Questionnaire {
                                data_classification: Some(c),
                                personal_data: bit(0),
                                credential_data: bit(1),
                                payment_data: bit(2),
                                health_data: bit(3),
                                exposure: Some(e),
                                anonymous_access: bit(4),
                                multi_tenant: bit(5),
                                privileged: bit(6),
                                deployment: Some(d),
                                criticality: Some(k),
                                user_scale: Some(s),
                            });
                        }
                    }
                }
            }
        }
    }
    out
}

fn complete(q: &Questionnaire) -> Pti {
    match evaluate(q) {
        Outcome::Complete(p) => p,
        Outcome::Incomplete { unanswered } => panic!("unanswered: {unanswered:?}"),
    }
}

#[test]
fn index_tier_boundaries() {
    assert_eq!(tier_of_index(0), Tier::LOW);
    assert_eq!(tier_of_index(24), Tier::LOW);
    assert_eq!(tier_of_index(25), Tier::MODERATE);
    assert_eq!(tier_of_index(49), Tier::MODERATE);
    assert_eq!(tier_of_index(50), Tier::HIGH);
    assert_eq!(tier_of_index(74), Tier::HIGH);
    assert_eq!(tier_of_index(75), Tier::CRITICAL);
    assert_eq!(tier_of_index(100), Tier::CRITICAL);
    for i in 0..=100u8 {
        assert_eq!(tier_of_index(i).number(), (i / 25).min(3) + 1, "index {i}");
    }
}

#[test]
fn every_combination_is_bounded_consistent_and_explained() {
    let all = all_answers();
    assert_eq!(all.len(), 4 * 128 * 3 * 5 * 4 * 4);
    let mut seen_tiers = [0usize; 5];
    let mut min = u8::MAX;
    let mut max = 0u8;
    for q in &all {
        let p = complete(q);
        assert!(p.index <= 100, "{q:?}");
        // the explanation adds up to the index
        let raw_sum: u8 = p.contributions.iter().map(|c| c.points).sum();
        assert!(raw_sum >= p.index);
        let counted: u8 = p.groups.iter().map(|g| g.counted).sum();
        assert_eq!(counted, p.index);
        for g in &p.groups {
            assert!(g.counted <= g.cap && g.counted <= g.raw);
        }
        assert_eq!(p.contributions.len(), QUESTIONS.len());
        assert_eq!(p.index_tier, tier_of_index(p.index));
        assert!(p.tier >= p.index_tier);
        let floor = p.floors.iter().map(|f| f.tier).max();
        assert_eq!(p.tier, floor.map_or(p.index_tier, |f| f.max(p.index_tier)));
        seen_tiers[usize::from(p.tier.number())] += 1;
        min = min.min(p.index);
        max = max.max(p.index);
    }
    assert_eq!(min, 0);
    assert_eq!(max, 100);
    // every tier is reachable
    assert!(seen_tiers[1..].iter().all(|&n| n > 0), "{seen_tiers:?}");
}

/// Raising any single answer never lowers the index or the tier.
#[test]
fn monotone_in_every_answer() {
    fn next<T: Copy + PartialOrd>(all: &[T], v: Option<T>) -> Option<T> {
        let v = v?;
        all.iter().copied().find(|x| *x > v)
    }
    for q in all_answers().iter().step_by(7) {
        let base = complete(q);
        let mut raised = Vec::new();
        let up = |v: Option<bool>| v.map(|_| true);
        if let Some(n) = next(DataClassification::ALL, q.data_classification) {
            raised.push(Questionnaire {
                data_classification: Some(n),
                ..q.clone()
            });
        }
        if let Some(n) = next(Exposure::ALL, q.exposure) {
            raised.push(Questionnaire {
                exposure: Some(n),
                ..q.clone()
            });
        }
        if let Some(n) = next(Criticality::ALL, q.criticality) {
            raised.push(Questionnaire {
                criticality: Some(n),
                ..q.clone()
            });
        }
        if let Some(n) = next(UserScale::ALL, q.user_scale) {
            raised.push(Questionnaire {
                user_scale: Some(n),
                ..q.clone()
            });
        }
        fn personal(q: &mut Questionnaire) -> &mut Option<bool> {
            &mut q.personal_data
        }
        fn credential(q: &mut Questionnaire) -> &mut Option<bool> {
            &mut q.credential_data
        }
        fn payment(q: &mut Questionnaire) -> &mut Option<bool> {
            &mut q.payment_data
        }
        fn health(q: &mut Questionnaire) -> &mut Option<bool> {
            &mut q.health_data
        }
        fn anonymous(q: &mut Questionnaire) -> &mut Option<bool> {
            &mut q.anonymous_access
        }
        fn tenant(q: &mut Questionnaire) -> &mut Option<bool> {
            &mut q.multi_tenant
        }
        fn privileged(q: &mut Questionnaire) -> &mut Option<bool> {
            &mut q.privileged
        }
        type Slot = fn(&mut Questionnaire) -> &mut Option<bool>;
        let slots: [Slot; 7] = [
            personal, credential, payment, health, anonymous, tenant, privileged,
        ];
        for f in slots {
            let mut r = q.clone();
            let slot = f(&mut r);
            *slot = up(*slot);
            raised.push(r);
        }
        for r in raised {
            let p = complete(&r);
            assert!(p.index >= base.index, "{q:?} -> {r:?}");
            assert!(p.tier >= base.tier, "{q:?} -> {r:?}");
        }
    }
}

fn q(
    c: DataClassification,
    flags: [bool; 7],
    e: Exposure,
    d: Deployment,
    k: Criticality,
    s: UserScale,
) -> Questionnaire {
    let [personal, cred, pay, health, anon, mt, privileged] = flags;
    Questionnaire {
        data_classification: Some(c),
        personal_data: Some(personal),
        credential_data: Some(cred),
        payment_data: Some(pay),
        health_data: Some(health),
        exposure: Some(e),
        anonymous_access: Some(anon),
        multi_tenant: Some(mt),
        privileged: Some(privileged),
        deployment: Some(d),
        criticality: Some(k),
        user_scale: Some(s),
    }
}

use Criticality as K;
use DataClassification as C;
use Deployment as D;
use Exposure as E;
use UserScale as S;

#[test]
fn worked_examples_from_docs() {
    // a developer CLI with public data
    let p = complete(&q(
        C::Public,
        [false; 7],
        E::Internal,
        D::Desktop,
        K::Low,
        S::Small,
    ));
    assert_eq!((p.index, p.tier), (1, Tier::LOW));
    // an internal HR application
    let p = complete(&q(
        C::Confidential,
        [true, false, false, true, false, false, false],
        E::Internal,
        D::OnPremises,
        K::Medium,
        S::Small,
    ));
    assert_eq!((p.index, p.tier), (30, Tier::MODERATE));
    // a multi-tenant SaaS with customer data
    let p = complete(&q(
        C::Confidential,
        [true, false, false, false, false, true, false],
        E::Internet,
        D::Saas,
        K::High,
        S::Large,
    ));
    assert_eq!((p.index, p.tier), (62, Tier::HIGH));
    // online banking
    let p = complete(&q(
        C::Restricted,
        [true, true, true, false, true, true, false],
        E::Internet,
        D::Saas,
        K::MissionCritical,
        S::VeryLarge,
    ));
    assert_eq!((p.index, p.tier), (90, Tier::CRITICAL));
    assert_eq!(p.groups[0].raw, 40);
    assert_eq!(p.groups[0].counted, 35);
}

#[test]
fn floors_raise_the_tier() {
    // restricted data in a small internal tool: the index says 1, the floor 3
    let p = complete(&q(
        C::Restricted,
        [false; 7],
        E::Internal,
        D::OnPremises,
        K::Low,
        S::Small,
    ));
    assert_eq!(p.index, 24);
    assert_eq!(p.index_tier, Tier::LOW);
    assert_eq!(p.tier, Tier::HIGH);
    assert_eq!(p.floors.len(), 1);
    // an anonymous, privileged internet service is critical whatever else
    let p = complete(&q(
        C::Public,
        [false, false, false, false, true, false, true],
        E::Internet,
        D::OnPremises,
        K::Low,
        S::Small,
    ));
    assert_eq!(p.index, 35);
    assert_eq!(p.tier, Tier::CRITICAL);
    // payment data, but only on the internal network: no floor
    let p = complete(&q(
        C::Internal,
        [false, false, true, false, false, false, false],
        E::Internal,
        D::OnPremises,
        K::Low,
        S::Small,
    ));
    assert!(p.floors.is_empty());
    assert_eq!((p.index, p.tier), (12, Tier::LOW));
}

#[test]
fn incomplete_lists_the_unanswered_in_order() {
    let partial = Questionnaire {
        exposure: Some(Exposure::Partner),
        ..Questionnaire::default()
    };
    match evaluate(&partial) {
        Outcome::Incomplete { unanswered } => {
            assert_eq!(unanswered.len(), 11);
            assert_eq!(unanswered[0], "data_classification");
            assert!(!unanswered.iter().any(|u| u == "exposure"));
        }
        Outcome::Complete(_) => panic!("must be incomplete"),
    }
    match evaluate(&Questionnaire::default()) {
        Outcome::Incomplete { unanswered } => assert_eq!(unanswered, QUESTIONS.to_vec()),
        Outcome::Complete(_) => panic!("must be incomplete"),
    }
}

#[test]
fn tier_serde_and_bounds() {
    assert_eq!(Tier::new(0), None);
    assert_eq!(Tier::new(5), None);
    assert_eq!(serde_json::to_string(&Tier::HIGH).unwrap(), "3");
    assert!(serde_json::from_str::<Tier>("7").is_err());
    assert_eq!(Tier::CRITICAL.to_string(), "4 (critical)");
}
