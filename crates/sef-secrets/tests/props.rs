//! Property tests: the scanner and the configuration reader take any
//! bytes without panicking, hits stay inside the input, and a hit never
//! carries the secret.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use std::sync::OnceLock;

fn set() -> &'static sef_secrets::RuleSet {
    static SET: OnceLock<sef_secrets::RuleSet> = OnceLock::new();
    SET.get_or_init(sef_secrets::builtin::rule_set)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn scanning_any_bytes_is_safe(data in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let set = set();
        let lines = data.iter().filter(|b| **b == b'\n').count() + 1;
        for h in set.scan("f.txt", &data, None) {
            prop_assert!(h.line >= 1 && h.line <= lines);
            prop_assert!(h.secret.prefix.chars().count() <= 5);
            prop_assert_eq!(h.secret.digest.len(), 32);
        }
    }

    #[test]
    fn keyword_soup_never_leaks(words in proptest::collection::vec(
        prop_oneof![
            Just("password = \"".to_owned()), Just("token: '".to_owned()), Just("ghp_".to_owned()),
            Just("AKIA".to_owned()), Just("-----BEGIN RSA PRIVATE KEY-----\n".to_owned()),
            Just("://u:".to_owned()), Just("@host ".to_owned()), Just("\"\n".to_owned()),
            "[A-Za-z0-9+/_-]{1,40}",
        ], 0..60)) {
        let text = words.concat();
        let set = set();
        for h in set.scan("f.txt", text.as_bytes(), None) {
            let json = serde_json::to_string(&h).unwrap();
            // The redacted form is short: at most 4 characters of the secret.
            prop_assert!(h.secret.prefix.chars().count() <= 5, "{}", json);
        }
    }

    #[test]
    fn any_configuration_text_is_an_error_or_a_rule_set(text in "(\\[\\[rules\\]\\]\n|id = \"[a-z]{1,5}\"\n|regex = '''[^']{0,20}'''\n|keywords = \\[\"[a-z]{1,4}\"\\]\n|entropy = [0-9]\n|\\[allowlist\\]\n|paths = \\['''[^']{0,10}'''\\]\n|[a-z =\"\\[\\]\n]{0,20}){0,12}") {
        match sef_secrets::gitleaks::parse(&text, "fuzz.toml", None) {
            Ok(l) => prop_assert!(l.set.rules.len() <= l.config_rules),
            Err(e) => prop_assert!(e.to_string().starts_with("fuzz.toml")),
        }
    }

    #[test]
    fn go_brace_translation_never_panics(p in "[a-z{}0-9,\\\\\\[\\]^()|?*+.$]{0,40}") {
        let _ = sef_secrets::gitleaks::compile(&p);
    }
}
