//! Property tests of the importers and the record reader on hostile input:
//! any bytes, and real reports cut short or corrupted at any point, give a
//! result or an error with a line and column, never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::fixture;
use proptest::prelude::*;
use sef_resilience::import::{self, Format};

const REAL: [(&str, Format); 6] = [
    ("zap-2.17.0-baseline.json", Format::ZapJson),
    ("zap-2.10.0-first-scan.xml", Format::ZapXml),
    ("nuclei-v3.jsonl", Format::Nuclei),
    ("nuclei-v3-export.json", Format::Nuclei),
    ("burp-one-finding-cwe.xml", Format::Burp),
    ("mayhem-api.sarif", Format::Sarif),
];

fn check(text: &str, format: Option<Format>) {
    match import::read(text, format) {
        Ok(i) => {
            for f in &i.findings {
                assert!(f.fingerprint.as_str().starts_with("fp1:"));
                assert!(f.instances >= 1);
            }
        }
        Err(e) => {
            assert!(e.line >= 1 && e.column >= 1, "{e}");
            assert!(!e.message.is_empty());
        }
    }
}

fn cut(text: &str, at: usize) -> &str {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    &text[..at]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_in_any_format(s in "\\PC{0,400}", f in 0usize..6) {
        let format = if f == 5 { None } else { Some(Format::ALL[f]) };
        check(&s, format);
    }

    #[test]
    fn real_reports_cut_short(which in 0usize..6, frac in 0.0f64..1.0) {
        let (name, format) = REAL[which];
        let text = fixture(name);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
        let at = (text.len() as f64 * frac) as usize;
        let short = cut(&text, at);
        check(short, Some(format));
        // a JSON or XML document cut inside is an error, not fewer findings
        if (format != Format::Nuclei || name.ends_with(".json"))
            && short.trim_end().len() + 2 < text.trim_end().len()
        {
            prop_assert!(import::read(short, Some(format)).is_err(), "{name} cut at {at} was accepted");
        }
    }

    #[test]
    fn real_reports_with_a_byte_replaced(which in 0usize..6, pos in 0usize..100_000, b in proptest::char::range(' ', '~')) {
        let (name, format) = REAL[which];
        let mut text = fixture(name);
        let mut at = pos % text.len().max(1);
        while !text.is_char_boundary(at) { at -= 1; }
        let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
        text.replace_range(at..end, &b.to_string());
        check(&text, Some(format));
    }

    #[test]
    fn records_never_panic(s in "\\PC{0,300}") {
        if let Err(e) = sef_resilience::record::parse("t1", "security/tests/t1.toml", &s) {
            prop_assert!(e.line >= 1 && e.column >= 1);
            prop_assert!(e.to_string().starts_with("security/tests/t1.toml:"));
        }
    }
}

#[test]
fn nuclei_json_lines_cut_mid_line_name_the_line() {
    let text = fixture("nuclei-v3.jsonl");
    let third_line_start: usize = text.lines().take(2).map(|l| l.len() + 1).sum();
    let short = &text[..third_line_start + 40];
    let e = import::read(short, Some(Format::Nuclei)).unwrap_err();
    assert_eq!(e.line, 3, "{e}");
}

#[test]
fn malformed_reports_say_where_and_what() {
    let e = import::read(
        "<OWASPZAPReport version=\"2.10\">\n<site name=\"x\"><alerts>\n</site>",
        Some(Format::ZapXml),
    )
    .unwrap_err();
    assert_eq!(e.line, 3, "{e}");
    assert!(e.message.contains("XML"), "{e}");
    let e = import::read("<report/>", Some(Format::Burp)).unwrap_err();
    assert!(e.message.contains("not a Burp"), "{e}");
    let e = import::read("{\"site\": 3}", Some(Format::ZapJson)).unwrap_err();
    assert!(e.message.contains("site"), "{e}");
    let e = import::read("hello", None).unwrap_err();
    assert!(e.message.contains("--format"), "{e}");
    let e = import::read("{\"info\":{}}\n", Some(Format::Nuclei)).unwrap_err();
    assert!(e.message.contains("template-id"), "{e}");
    // an entity that would read a local file is not expanded
    let xxe = "<?xml version=\"1.0\"?><!DOCTYPE issues [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><issues><issue><type>1</type><name>&x;</name><severity>High</severity></issue></issues>";
    if let Ok(i) = import::read(xxe, Some(Format::Burp)) {
        assert!(i.findings.iter().all(|f| !f.title.contains("root:")));
    }
    // a billion laughs is stopped by the node limit, not memory
    let mut lol =
        String::from("<?xml version=\"1.0\"?><!DOCTYPE issues [<!ENTITY a \"aaaaaaaaaa\">");
    for i in 1..10 {
        lol.push_str(&format!(
            "<!ENTITY {} \"{}\">",
            (b'a' + i) as char,
            format!("&{};", (b'a' + i - 1) as char).repeat(10)
        ));
    }
    lol.push_str("]><issues><issue><type>1</type><name>&j;</name></issue></issues>");
    check(&lol, Some(Format::Burp));
}

/// An empty report (a cut at 0, a crashed scan) is refused in every
/// format, never read as "no findings" (found by `real_reports_cut_short`).
#[test]
fn an_empty_report_is_refused_in_every_format() {
    for format in Format::ALL.iter().map(|f| Some(*f)).chain([None]) {
        for text in ["", "\n \n", "\u{feff}"] {
            let e = import::read(text, format).unwrap_err();
            assert!(
                e.to_string().contains("the report is empty"),
                "{format:?}: {e}"
            );
        }
    }
}
