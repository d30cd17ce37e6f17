//! Rewrites plan files written for an older sef, keeping their comments
//! and layout (toml_edit): team roles become the SEF role set that a
//! shared store grants, so `product-manager` becomes `development-manager`
//! in `roles`, `triage_roles` and the `[required]` courses per role.

use toml_edit::{DocumentMut, Item, Value};

/// A role that no longer exists, and what it becomes.
pub const RENAMED_ROLES: [(&str, &str); 1] = [("product-manager", "development-manager")];

/// The text rewritten, and what changed; `None` when nothing needed to.
pub fn migrate_text(text: &str) -> Result<Option<(String, Vec<String>)>, String> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.to_string())?;
    let mut changes = Vec::new();
    walk(doc.as_item_mut(), "", &mut changes);
    Ok((!changes.is_empty()).then(|| (doc.to_string(), changes)))
}

fn renamed(s: &str) -> Option<&'static str> {
    RENAMED_ROLES
        .iter()
        .find(|(old, _)| *old == s)
        .map(|(_, new)| *new)
}

fn walk(item: &mut Item, path: &str, changes: &mut Vec<String>) {
    match item {
        Item::Table(t) => {
            if path.ends_with("required") {
                let keys: Vec<String> = t.iter().map(|(k, _)| k.to_owned()).collect();
                for k in keys {
                    if let Some(new) = renamed(&k)
                        && let Some(v) = t.remove(&k)
                    {
                        t.insert(new, v);
                        changes.push(format!("{path}: `{k}` → `{new}`"));
                    }
                }
            }
            for (k, v) in t.iter_mut() {
                let p = if path.is_empty() {
                    k.to_string()
                } else {
                    format!("{path}.{k}")
                };
                walk(v, &p, changes);
            }
        }
        Item::ArrayOfTables(a) => {
            for (i, t) in a.iter_mut().enumerate() {
                for (k, v) in t.iter_mut() {
                    walk(v, &format!("{path}[{i}].{k}"), changes);
                }
            }
        }
        Item::Value(v) => value(v, path, changes),
        Item::None => {}
    }
}

fn value(v: &mut Value, path: &str, changes: &mut Vec<String>) {
    let leaf = path.rsplit('.').next().unwrap_or("");
    match v {
        Value::Array(a) if leaf == "roles" || leaf == "triage_roles" => {
            for x in a.iter_mut() {
                if let Some(new) = x.as_str().and_then(renamed) {
                    let old = x.as_str().unwrap_or_default().to_owned();
                    let decor = x.decor().clone();
                    *x = Value::from(new);
                    *x.decor_mut() = decor;
                    changes.push(format!("{path}: `{old}` → `{new}`"));
                }
            }
        }
        Value::InlineTable(t) => {
            if leaf == "required" {
                let keys: Vec<String> = t.iter().map(|(k, _)| k.to_owned()).collect();
                for k in keys {
                    if let Some(new) = renamed(&k)
                        && let Some(v) = t.remove(&k)
                    {
                        t.insert(new, v);
                        changes.push(format!("{path}: `{k}` → `{new}`"));
                    }
                }
            }
            for (k, x) in t.iter_mut() {
                value(x, &format!("{path}.{k}"), changes);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter_mut().enumerate() {
                value(x, &format!("{path}[{i}]"), changes);
            }
        }
        _ => {}
    }
}

/// Writes `signature` into the `index`-th `[[risk_acceptances]]` entry of
/// a plan's text (replacing one already there), keeping the rest of the
/// file as it is.
pub fn set_acceptance_signature(
    text: &str,
    index: usize,
    signature: &str,
) -> Result<String, String> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.to_string())?;
    let entry = doc
        .get_mut("risk_acceptances")
        .and_then(Item::as_array_of_tables_mut)
        .and_then(|a| a.get_mut(index))
        .ok_or_else(|| format!("the plan has no risk acceptance number {}", index + 1))?;
    entry.insert("signature", toml_edit::value(signature.trim()));
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_manager_becomes_development_manager_everywhere_comments_kept() {
        let text = "# the team\n[team]\ntriage_roles = [\"qa\", \"product-manager\"] # who triages\n\
                    [[team.members]]\nid = \"ann\"\nroles = [\"product-manager\"]\n\
                    [team.required]\nproduct-manager = [\"security-fundamentals\"] # courses\n";
        let (out, changes) = migrate_text(text).unwrap().unwrap();
        assert_eq!(changes.len(), 3, "{changes:?}");
        assert!(!out.contains("product-manager"), "{out}");
        assert!(
            out.contains("# who triages") && out.contains("# the team"),
            "{out}"
        );
        assert!(
            out.contains("development-manager = [\"security-fundamentals\"]"),
            "{out}"
        );
        assert!(migrate_text(&out).unwrap().is_none(), "idempotent");
        // the word elsewhere is left alone
        let other = "[offering]\nname = \"product-manager\"\n";
        assert!(migrate_text(other).unwrap().is_none());
    }
}
