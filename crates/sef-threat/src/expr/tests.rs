//! The expression language on a small model: paths, levels, lists,
//! functions, and the reasons bad expressions are refused.

use super::*;
use crate::attrs::{ElemRef, ElemTy, Graph};
use crate::load;

fn model() -> Model {
    let y = r#"
data_assets:
  - {id: pii, classification: confidential, confidentiality: high, integrity: medium, availability: low, personal: true}
  - {id: pub, classification: public, confidentiality: low, integrity: low, availability: low}
technical_assets:
  - {id: web, type: web-application, trust_level: medium, internet_facing: true, processes: [pii, pub], technologies: [React, nginx]}
  - {id: db, type: database, trust_level: high, stores: [pii], attributes: {tier: 3}}
actors:
  - {id: user, type: human, trust_level: untrusted}
data_flows:
  - {id: f1, source: user, target: web, protocol: https, authentication: session, authorization: end-user, encryption: tls, sends: [pii]}
  - {id: f2, source: web, target: db, protocol: postgresql, authentication: credentials, authorization: technical-user, encryption: none, sends: [pii]}
trust_boundaries:
  - {id: dmz, type: network, assets: [web]}
  - {id: core, type: network, assets: [db]}
"#;
    load::load(&[("m.yaml".into(), y.into())]).unwrap()
}

use crate::load::Model;

fn eval_on(m: &Model, id: &str, src: &str) -> bool {
    let g = Graph::new(m);
    let e = g.get(id).unwrap();
    let root = match e {
        ElemRef::Data(_) => ElemTy::Kind(crate::Kind::DataAsset),
        ElemRef::Asset(_) => ElemTy::Kind(crate::Kind::TechnicalAsset),
        ElemRef::Flow(_) => ElemTy::Kind(crate::Kind::DataFlow),
        ElemRef::Boundary(_) => ElemTy::Kind(crate::Kind::TrustBoundary),
        ElemRef::Actor(_) => ElemTy::Kind(crate::Kind::Actor),
    };
    let x = parse(src).unwrap_or_else(|e| panic!("{src}: {e:?}"));
    check(&x, root).unwrap_or_else(|e| panic!("{src}: {e}"));
    holds(&x, &g, e)
}

#[test]
fn paths_levels_lists_and_functions() {
    let m = model();
    assert!(eval_on(
        &m,
        "web",
        "internet_facing and type == 'web-application'"
    ));
    assert!(eval_on(&m, "web", "data.confidentiality >= 'high'"));
    assert!(!eval_on(&m, "web", "data.confidentiality > 'high'"));
    assert!(
        eval_on(&m, "web", "technologies contains 'react'"),
        "text compares ignore case"
    );
    assert!(eval_on(&m, "web", "outgoing.target.type == 'database'"));
    assert!(eval_on(
        &m,
        "web",
        "count(processes) == 2 and count(stores) == 0"
    ));
    assert!(!eval_on(&m, "web", "exists(stores)"));
    assert!(eval_on(
        &m,
        "web",
        "any(outgoing, encryption == 'none' and crosses_boundary)"
    ));
    assert!(!eval_on(&m, "web", "all(outgoing, encryption >= 'tls')"));
    assert!(eval_on(
        &m,
        "f1",
        "source.trust_level == 'untrusted' and crosses_boundary"
    ));
    assert!(eval_on(
        &m,
        "f2",
        "crossed.type == 'network' and count(crossed) == 2"
    ));
    assert!(eval_on(
        &m,
        "f2",
        "authentication in ['credentials', 'api-key']"
    ));
    assert!(eval_on(
        &m,
        "db",
        "attributes.tier >= 3 and not (attributes.missing == true)"
    ));
    assert!(eval_on(
        &m,
        "db",
        "boundary.id == 'core' and incoming.source.internet_facing"
    ));
    assert!(eval_on(
        &m,
        "pii",
        "personal and processed_by.internet_facing and stored_by.type == 'database'"
    ));
    assert!(eval_on(
        &m,
        "dmz",
        "assets.internet_facing and not exists(parent)"
    ));
    assert!(eval_on(&m, "user", "outgoing.authentication == 'session'"));
}

#[test]
fn bad_expressions_are_refused_with_a_reason() {
    let root = ElemTy::Kind(crate::Kind::TechnicalAsset);
    let err = |s: &str| match parse(s) {
        Err(e) => format!("parse@{}: {}", e.offset, e.message),
        Ok(x) => check(&x, root).unwrap_err(),
    };
    assert!(err("internet_facng").contains("no attribute `internet_facng` on a technical-asset"));
    assert!(err("trust_level >= 'hgh'").contains("`hgh` is not a level here"));
    assert!(err("type == 'databse'").contains("`databse` is not one of"));
    assert!(err("type").contains("not a condition"));
    assert!(err("type < 'database'").contains("compare levels or numbers"));
    assert!(err("internet_facing and").starts_with("parse@19"));
    assert!(err("a == 'x").contains("text not closed"));
    assert!(err("internet_facing internet_facing").contains("unexpected text"));
    assert!(err("any(technologies, x)").contains("list of elements"));
    assert!(err("type in 'x'").contains("needs a list"));
    assert!(err(&"(".repeat(100)).contains("too deeply"));
}
