//! The one step every assessment passes before it is stored or printed:
//! every string in the run is redacted by the secret rules and capped in
//! length.
//!
//! Secret findings carry only redacted secrets, but secrets also reach a
//! run through other text: an inventory warning quoting a
//! `git+https://TOKEN@host` requirement, a parse error's excerpt, a commit
//! subject, a SARIF title or snippet. And a hostile file can put a 100 MB
//! package name in a lockfile. Rather than trust each analyzer to remember,
//! the run is walked as data once, after the analyzers and before the store
//! and the reports, so both see the same, safe strings.

use sef_model::AssessmentRun;
use sef_secrets::RuleSet;

/// The longest string a run keeps; longer ones are cut and counted.
pub const MAX_STRING_BYTES: usize = 16 * 1024;

/// What [`sanitize`] changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Sanitized {
    /// Strings in which a secret was replaced.
    pub redacted: usize,
    /// Strings cut to [`MAX_STRING_BYTES`], and the first one's place.
    pub cut: usize,
    /// Where the first cut string was, as a JSON path.
    pub first_cut: Option<String>,
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

fn walk(v: &mut serde_json::Value, path: &mut String, rules: &RuleSet, out: &mut Sanitized) {
    match v {
        serde_json::Value::String(s) => {
            if cap(s, MAX_STRING_BYTES) {
                out.cut += 1;
                if out.first_cut.is_none() {
                    out.first_cut = Some(path.clone());
                }
            }
            if let Some(r) = rules.redact(s) {
                *s = r;
                out.redacted += 1;
            }
        }
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter_mut().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(x, path, rules, out);
                path.truncate(len);
            }
        }
        serde_json::Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                let len = path.len();
                path.push('.');
                path.push_str(k);
                walk(x, path, rules, out);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Redacts and caps every string of `run`, and notes in the run what was
/// changed. A run that cannot be walked (it always can: it is plain data)
/// is returned unchanged with a note saying so.
pub fn sanitize(run: AssessmentRun, rules: &RuleSet) -> (AssessmentRun, Sanitized) {
    let mut out = Sanitized::default();
    let Ok(mut value) = serde_json::to_value(&run) else {
        return (run, out);
    };
    walk(&mut value, &mut String::new(), rules, &mut out);
    if out.redacted == 0 && out.cut == 0 {
        return (run, out);
    }
    match serde_json::from_value::<AssessmentRun>(value) {
        Ok(mut clean) => {
            if out.redacted > 0 {
                clean.notes.push(format!(
                    "{} text field(s) held something shaped like a secret (a token in a URL, a key in a message) and were redacted before the run was stored or shown",
                    out.redacted
                ));
            }
            if out.cut > 0 {
                clean.notes.push(format!(
                    "{} text field(s) were longer than {MAX_STRING_BYTES} bytes and were cut (the first at {})",
                    out.cut,
                    out.first_cut.as_deref().unwrap_or("?")
                ));
            }
            (clean, out)
        }
        Err(_) => (run, Sanitized::default()),
    }
}
