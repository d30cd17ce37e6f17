use super::*;

#[test]
fn helpers() {
    assert_eq!(cwe_number("CWE-79"), Some(79));
    assert_eq!(cwe_number("cwe-798"), Some(798));
    assert_eq!(cwe_number("-1"), None);
    assert_eq!(cwe_number("0"), None);
    assert_eq!(cwe_number("nvd-cve-other"), None);
    assert_eq!(
        url_place("HTTPS://Shop.Example.com?q=1"),
        "https://shop.example.com/"
    );
    assert_eq!(url_place("http://h/a/b?x#y"), "http://h/a/b");
    assert_eq!(one_line("a\n  b\tc", 10), "a b c");
    assert_eq!(one_line("abcdef", 3), "abc…");
}

#[test]
fn formats_are_recognised_or_named() {
    assert_eq!(
        Format::detect("<?xml version=\"1.0\"?><OWASPZAPReport>"),
        Some(Format::ZapXml)
    );
    assert_eq!(
        Format::detect("<?xml version=\"1.0\"?>\n<issues>"),
        Some(Format::Burp)
    );
    assert_eq!(
        Format::detect("{\"version\":\"2.1.0\",\"runs\":[]}"),
        Some(Format::Sarif)
    );
    assert_eq!(
        Format::detect("{\"template-id\":\"x\"}"),
        Some(Format::Nuclei)
    );
    assert_eq!(
        Format::detect("[{\"pluginId\":\"1\"}]"),
        Some(Format::ZapJson)
    );
    assert_eq!(Format::detect("<html>"), None);
    for f in Format::ALL {
        assert_eq!(Format::parse(f.as_str()), Some(f));
    }
}

#[test]
fn instances_fold_and_the_worst_severity_wins() {
    let json = r#"[{"pluginId":"1","alertRef":"1","name":"a","risk":"Low","confidence":"Medium","cweid":"-1","url":"https://h/x?1"},
                   {"pluginId":"1","alertRef":"1","name":"a","risk":"High","confidence":"Medium","cweid":"-1","url":"https://h/y"},
                   {"pluginId":"2","alertRef":"2","name":"b","risk":"Low","confidence":"False Positive","url":"https://h/y"}]"#;
    let i = read(json, None).unwrap();
    assert_eq!(i.findings.len(), 1);
    assert_eq!(i.findings[0].instances, 2);
    assert_eq!(i.findings[0].severity, Severity::High);
    assert_eq!(i.findings[0].cwe, None);
    assert_eq!(i.false_positives, 1);
}
