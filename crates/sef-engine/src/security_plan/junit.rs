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

/// Adds the test cases of one JUnit XML document to `results`; returns
/// how many cases it held.
pub fn read(text: &str, results: &mut TestResults) -> Result<usize, JunitError> {
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
    let mut n = 0;
    for case in doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "testcase")
    {
        let Some(name) = case.attribute("name") else {
            continue;
        };
        let class = case.attribute("classname").unwrap_or("");
        let passed = !case.children().any(|c| {
            c.is_element() && matches!(c.tag_name().name(), "failure" | "error" | "skipped")
        });
        results.record(class, name, passed);
        n += 1;
    }
    Ok(n)
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
