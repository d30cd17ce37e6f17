//! Property tests of the parsers of untrusted input: the YAML reader, the
//! model loader, the expression parser and checker, the tracking file and
//! both importers never panic, and what the YAML writer writes reads back
//! as the same model.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use sef_threat::{emit, expr, import, load, tracking, yaml};

fn golden() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/golden/v1/model.yaml"),
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn yaml_and_model_reading_never_panic(s in "\\PC{0,400}") {
        let _ = yaml::parse(&s);
        let _ = load::load(&[("m.yaml".into(), s.clone())]);
        let _ = tracking::parse("t.toml", &s);
        let _ = import::convert(import::Format::Threagile, &s);
        let _ = import::convert(import::Format::ThreatDragon, &s);
    }

    #[test]
    fn a_damaged_golden_model_is_refused_or_read_never_panics(cut in 0usize..9000, byte in any::<u8>()) {
        let g = golden();
        let mut b = g.into_bytes();
        let at = cut.min(b.len().saturating_sub(1));
        b[at] = byte;
        let s = String::from_utf8_lossy(&b).into_owned();
        if let Err(errs) = load::load(&[("m.yaml".into(), s)]) {
            // every error has a position inside the file
            for e in errs {
                prop_assert!(e.at.line >= 1, "{e}");
            }
        }
    }

    #[test]
    fn expressions_never_panic(s in "[a-z_.'\\[\\]() =!<>,0-9]{0,80}") {
        if let Ok(e) = expr::parse(&s) {
            for k in sef_threat::Kind::ALL {
                let _ = expr::check(&e, sef_threat::attrs::ElemTy::Kind(k));
            }
        }
    }
}

#[test]
fn written_yaml_reads_back_as_the_same_model() {
    let g = golden();
    let doc = yaml::parse(&g).unwrap();
    let file: sef_threat::model::ModelFile = doc.typed().unwrap();
    let text = emit::model_yaml(&file, "round trip");
    let back: sef_threat::model::ModelFile = yaml::parse(&text).unwrap().typed().unwrap();
    assert_eq!(file, back);
}
