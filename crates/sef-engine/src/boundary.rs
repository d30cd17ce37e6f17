//! The one step every assessment passes before it is stored or printed:
//! every string in the run is redacted by the secret rules, capped in
//! length, and its control characters escaped.
//!
//! Secret findings carry only redacted secrets, but secrets also reach a
//! run through other text: an inventory warning quoting a
//! `git+https://TOKEN@host` requirement, a parse error's excerpt, a commit
//! subject, a SARIF title or snippet. And a hostile file can put a 100 MB
//! package name in a lockfile. Rather than trust each analyzer to remember,
//! the run is walked as data once, after the analyzers and before the store
//! and the reports, so both see the same, safe strings.
//!
//! Control characters come from file names, commit subjects and tool
//! messages: an escape sequence would repaint the terminal, a NUL is
//! refused by PostgreSQL but kept by SQLite. Every C0 control except tab
//! and line feed, DEL, the C1 controls and the Unicode bidirectional
//! overrides become visible `\u{..}` text, so both backends store the same
//! bytes and no output can be spoofed.

use sef_model::AssessmentRun;
use sef_secrets::RuleSet;

/// The longest string a run keeps; longer ones are cut and counted.
pub const MAX_STRING_BYTES: usize = 16 * 1024;

/// Strings that are whole documents, by the end of their path, and their
/// own cap: a cut document is a broken one, so the analyzer that makes it
/// keeps it under this size (the threat model's diagram: see
/// `threat_model::MAX_DIAGRAM_BYTES`). They are redacted and escaped like
/// every other string.
pub const DOCUMENT_FIELDS: &[(&str, usize)] = &[(".payload.diagram_svg", 4 * 1024 * 1024)];

/// What [`sanitize`] changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Sanitized {
    /// Strings in which a secret was replaced.
    pub redacted: usize,
    /// Strings cut to [`MAX_STRING_BYTES`], and the first one's place.
    pub cut: usize,
    /// Where the first cut string was, as a JSON path.
    pub first_cut: Option<String>,
    /// Strings whose control characters were escaped.
    pub escaped: usize,
}

impl Sanitized {
    /// What the boundary changed, as notes for the report.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.redacted > 0 {
            notes.push(format!(
                "{} text field(s) held something shaped like a secret (a token in a URL, a key in a message) and were redacted before the run was stored or shown",
                self.redacted
            ));
        }
        if self.cut > 0 {
            notes.push(format!(
                "{} text field(s) were longer than {MAX_STRING_BYTES} bytes and were cut (the first at {})",
                self.cut,
                self.first_cut.as_deref().unwrap_or("?")
            ));
        }
        if self.escaped > 0 {
            notes.push(format!(
                "{} text field(s) held control characters (from file names, commit subjects or tool messages), shown escaped as \\u{{..}}",
                self.escaped
            ));
        }
        notes
    }
}

/// Whether `c` is escaped: C0 controls but tab and line feed, DEL, C1
/// controls, and the bidirectional embedding, override and isolate marks.
fn is_hostile(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every hostile control character written as `\u{XX}`; `None`
/// when it holds none.
pub fn escape_controls(s: &str) -> Option<String> {
    if !s.chars().any(is_hostile) {
        return None;
    }
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_hostile(c) {
            o.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            o.push(c);
        }
    }
    Some(o)
}

/// Cuts `s` to at most `max` bytes at a character boundary, saying how
/// much was cut. Returns whether it cut.
pub fn cap(s: &mut String, max: usize) -> bool {
    if s.len() <= max {
        return false;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let cut = s.len() - end;
    s.truncate(end);
    s.push_str(&format!("…[cut {cut} bytes]"));
    true
}

/// What the walk keeps between strings: the rules, the redaction of each
/// distinct string that may hold a secret (a run repeats many strings: an
/// advisory's references are in its finding and in its match, one
/// advisory in several versions' findings), and what it changed.
struct Walk<'a> {
    rules: &'a RuleSet,
    redactions: std::collections::HashMap<String, Option<String>>,
    out: Sanitized,
}

impl Walk<'_> {
    fn redact(&mut self, s: &str) -> Option<String> {
        if !self.rules.may_hold_secret(s.as_bytes()) {
            return None;
        }
        if let Some(r) = self.redactions.get(s) {
            return r.clone();
        }
        let r = self.rules.redact(s);
        self.redactions.insert(s.to_owned(), r.clone());
        r
    }

    fn walk(&mut self, v: &mut serde_json::Value, path: &mut String) {
        match v {
            serde_json::Value::String(s) => {
                let max = DOCUMENT_FIELDS
                    .iter()
                    .find(|(end, _)| path.ends_with(end))
                    .map_or(MAX_STRING_BYTES, |(_, max)| *max);
                if cap(s, max) {
                    self.out.cut += 1;
                    if self.out.first_cut.is_none() {
                        self.out.first_cut = Some(path.clone());
                    }
                }
                if let Some(r) = self.redact(s) {
                    *s = r;
                    self.out.redacted += 1;
                }
                if let Some(e) = escape_controls(s) {
                    *s = e;
                    self.out.escaped += 1;
                }
            }
            serde_json::Value::Array(a) => {
                let mut index = itoa::Buffer::new();
                for (i, x) in a.iter_mut().enumerate() {
                    let len = path.len();
                    path.push('[');
                    path.push_str(index.format(i));
                    path.push(']');
                    self.walk(x, path);
                    path.truncate(len);
                }
            }
            serde_json::Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    let len = path.len();
                    path.push('.');
                    path.push_str(k);
                    self.walk(x, path);
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }
}

/// Redacts, caps and escapes every string of any serializable value (an
/// evidence payload a command prints on its own, such as `sef history`).
/// A value that does not round-trip (it always does: it is plain data) is
/// returned as it was, with nothing counted.
pub fn clean<T>(value: T, rules: &RuleSet) -> (T, Sanitized)
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let Ok(mut v) = serde_json::to_value(&value) else {
        return (value, Sanitized::default());
    };
    let mut w = Walk {
        rules,
        redactions: std::collections::HashMap::new(),
        out: Sanitized::default(),
    };
    w.walk(&mut v, &mut String::new());
    let out = w.out;
    if out == Sanitized::default() {
        return (value, out);
    }
    match serde_json::from_value::<T>(v) {
        Ok(clean) => (clean, out),
        Err(_) => (value, Sanitized::default()),
    }
}

/// Redacts, caps and escapes every string of `run`, and notes in the run
/// what was changed.
pub fn sanitize(mut run: AssessmentRun, rules: &RuleSet) -> (AssessmentRun, Sanitized) {
    let started = std::time::Instant::now();
    // An artifact's content is not part of the run's data (it is not
    // serialized), so the JSON walk would drop it: it is set aside and put
    // back. Documents such as the SBOM are kept byte for byte; they are
    // listed in reports, never printed in them.
    let contents: Vec<String> = run
        .artifacts
        .iter_mut()
        .map(|a| std::mem::take(&mut a.content))
        .collect();
    let (mut clean, mut out) = self::clean(run, rules);
    for (a, c) in clean.artifacts.iter_mut().zip(contents) {
        a.content = c;
        // a JSON document (the SBOM) gets the same redaction and caps as
        // the run: the absurd name cut in the run is cut in the SBOM too
        if a.media_type.contains("json")
            && let Ok(v) = serde_json::from_str::<serde_json::Value>(&a.content)
        {
            let (v, o) = self::clean(v, rules);
            if o != Sanitized::default()
                && let Ok(text) = serde_json::to_string_pretty(&v)
            {
                *a = sef_model::Artifact::new(a.name.clone(), a.media_type.clone(), text);
                out.redacted += o.redacted;
                out.cut += o.cut;
                out.escaped += o.escaped;
            }
        }
    }
    tracing::info!(
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        redacted = out.redacted,
        cut = out.cut,
        escaped = out.escaped,
        "run boundary: redaction, length caps and control characters"
    );
    clean.notes.extend(out.notes());
    (clean, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_text_kept() {
        assert_eq!(escape_controls("plain\ttext\n"), None);
        assert_eq!(
            escape_controls("a\u{1b}[2Jb\0c\r").as_deref(),
            Some("a\\u{1b}[2Jb\\u{0}c\\u{d}")
        );
        assert_eq!(
            escape_controls("x\u{202e}y").as_deref(),
            Some("x\\u{202e}y")
        );
    }

    #[test]
    fn long_strings_are_cut_at_a_character_boundary() {
        let mut s = "é".repeat(10);
        assert!(cap(&mut s, 5));
        assert!(s.starts_with("éé…[cut 16 bytes]"), "{s}");
        let mut short = "abc".to_owned();
        assert!(!cap(&mut short, 5));
    }

    #[test]
    fn artifact_contents_survive_a_redacted_run() {
        let mut run = sef_model::AssessmentRun {
            id: sef_model::RunId::generate(),
            offering: sef_model::Offering {
                name: "o".into(),
                owner_team: None,
                kind: sef_model::OfferingKind::Product,
                business_unit: None,
                peer_group: None,
            },
            release: sef_model::Release {
                version: "1".into(),
                phase: sef_model::Phase::Develop,
                version_source: sef_model::VersionSource::Plan,
            },
            started_at: chrono::Utc::now(),
            finished_at: chrono::Utc::now(),
            sef_version: "x".into(),
            root: "/r".into(),
            plan_file: None,
            plan_digest: None,
            notes: vec!["token ghp_Zq3xK9mP2vL8nR4tW6yB1cD5fH7jA0sE3gT9".into()],
            evidence: Vec::new(),
            findings: Vec::new(),
            kpis: Vec::new(),
            gate: sef_model::GateDecision::from_criteria(
                sef_model::Phase::Develop,
                true,
                Vec::new(),
            ),
            artifacts: Vec::new(),
        };
        run.artifacts.push(sef_model::Artifact::new(
            "sbom.cdx.json",
            "application/json",
            "{\"a\":1}".into(),
        ));
        let (clean, out) = sanitize(run, sef_secrets::builtin_redactor());
        assert_eq!(out.redacted, 1, "the run was rewritten");
        assert_eq!(clean.artifacts[0].content, "{\"a\":1}");
        assert_eq!(
            clean.artifacts[0].digest,
            sef_model::Digest::of_parts([b"{\"a\":1}"])
        );
    }

    #[test]
    fn clean_round_trips_any_value() {
        let v = vec![
            "rotate ghp_Zq3xK9mP2vL8nR4tW6yB1cD5fH7jA0sE3gT9".to_owned(),
            "ok".to_owned(),
            "bell\u{7}".to_owned(),
        ];
        let (c, out) = clean(v, sef_secrets::builtin_redactor());
        assert_eq!(out.redacted, 1);
        assert_eq!(out.escaped, 1);
        assert!(c[0].contains("[REDACTED]"), "{}", c[0]);
        assert_eq!(c[1], "ok");
        assert_eq!(c[2], "bell\\u{7}");
    }
}
