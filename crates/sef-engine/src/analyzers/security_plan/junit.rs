//! Reading test results from JUnit XML, the format every test runner can
//! write (cargo-nextest, pytest, Maven Surefire, Jest, go-junit-report).
//! Only test-case names and outcomes are taken: a case with a `failure`,
//! `error` or `skipped` child did not pass.

use sef_process::requirements::TestResults;

/// Why a file could not be read as JUnit XML.
#[derive(Debug, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct JunitError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

/// The outcome of one test case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// It ran and passed.
    Passed,
    /// It ran and failed (or errored).
    Failed,
    /// It did not run.
    Skipped,
}

/// One test case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// The class or module (`classname`), possibly empty.
    pub class: String,
    /// The test's name.
    pub name: String,
    /// What happened.
    pub outcome: Outcome,
    /// A `<property name="security" value="true"/>` marks it a security test.
    pub security_property: bool,
}

/// The test cases of one JUnit XML document. Elements sef does not know
/// are ignored.
pub fn cases(text: &str) -> Result<Vec<Case>, JunitError> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, opts).map_err(|e| {
        let pos = e.pos();
        JunitError {
            line: pos.row,
            column: pos.col,
            message: e.to_string(),
        }
    })?;
    let root = doc.root_element().tag_name().name();
    if root != "testsuites" && root != "testsuite" {
        return Err(JunitError {
            line: 1,
            column: 1,
            message: format!(
                "the root element is <{root}>, not <testsuites> or <testsuite>: this is not JUnit XML"
            ),
        });
    }
    let mut out = Vec::new();
    for case in doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "testcase")
    {
        let Some(name) = case.attribute("name") else {
            continue;
        };
        let child = |tag: &str| {
            case.children()
                .any(|c| c.is_element() && c.tag_name().name() == tag)
        };
        let outcome = if child("failure") || child("error") {
            Outcome::Failed
        } else if child("skipped") {
            Outcome::Skipped
        } else {
            Outcome::Passed
        };
        let security_property = case.descendants().any(|p| {
            p.is_element()
                && p.tag_name().name() == "property"
                && p.attribute("name")
                    .is_some_and(|n| n.eq_ignore_ascii_case("security"))
                && p.attribute("value").is_some_and(|v| {
                    matches!(v.trim().to_ascii_lowercase().as_str(), "true" | "yes" | "1")
                })
        });
        out.push(Case {
            class: case.attribute("classname").unwrap_or("").to_owned(),
            name: name.to_owned(),
            outcome,
            security_property,
        });
    }
    Ok(out)
}

/// Adds the test cases of one JUnit XML document to `results`; returns
/// how many cases it held.
pub fn read(text: &str, results: &mut TestResults) -> Result<usize, JunitError> {
    let cases = cases(text)?;
    for c in &cases {
        results.record(&c.class, &c.name, c.outcome == Outcome::Passed);
    }
    Ok(cases.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cases_and_outcomes() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="nextest-run" tests="3" failures="1">
  <testsuite name="sef-cli::cli" tests="3">
    <testcase name="init_writes_plan" classname="sef-cli::cli" time="0.1"/>
    <testcase name="auth::locks_out" classname="app" time="0.1"><failure message="boom"/></testcase>
    <testcase name="skipped_one" classname="app"><skipped/></testcase>
  </testsuite>
</testsuites>"#;
        let mut r = TestResults::default();
        assert_eq!(read(xml, &mut r).unwrap(), 3);
        assert_eq!(r.outcome("init_writes_plan"), Some(true));
        assert_eq!(r.outcome("sef-cli::cli::init_writes_plan"), Some(true));
        assert_eq!(r.outcome("app.auth::locks_out"), Some(false));
        assert_eq!(r.outcome("skipped_one"), Some(false));
    }

    #[test]
    fn bad_documents_are_located_errors() {
        let mut r = TestResults::default();
        let e = read("<testsuite>\n<testcase name='a' <", &mut r).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(
            read("<html/>", &mut r)
                .unwrap_err()
                .message
                .contains("not JUnit")
        );
        let bomb = "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><testsuite/>";
        assert!(read(bomb, &mut r).is_err());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,300}") {
            let mut r = TestResults::default();
            let _ = read(&s, &mut r);
        }
    }
}
