//! Writes a model file as YAML (block style, two-space indents), for
//! imports. Nulls, empty lists and empty mappings are left out: they are
//! the defaults. Text that YAML would read as anything but the same text
//! is written double-quoted (JSON string syntax, which YAML reads).

use serde_json::Value;
use std::fmt::Write;

fn plain_ok(s: &str) -> bool {
    !s.is_empty()
        && s.trim() == s
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(b, b' ' | b'_' | b'.' | b'/' | b'-' | b'(' | b')' | b',')
        })
        && !s.starts_with(['-', '.', ' '])
        && matches!(crate::yaml::parse(s).map(|d| d.value), Ok(Value::String(ref t)) if t == s)
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) if plain_ok(s) => s.clone(),
        Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
        other => other.to_string(),
    }
}

fn empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// Whether an entry is written: not a default, and not an object whose
/// entries are all defaults.
fn visible(k: &str, v: &Value) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, v)| visible(k, v)),
        Value::Bool(b) => *b == (k != "custom_developed"),
        v => !empty(v),
    }
}

fn map(
    o: &mut String,
    m: &serde_json::Map<String, Value>,
    order: &[&str],
    indent: usize,
    first_inline: bool,
) {
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort_by_key(|k| order.iter().position(|o| o == k).unwrap_or(order.len()));
    let mut first = true;
    for k in keys {
        let v = &m[k];
        // Defaults are left out: false flags, and custom_developed when true.
        if !visible(k, v) {
            continue;
        }
        let pad = if first && first_inline {
            String::new()
        } else {
            " ".repeat(indent)
        };
        first = false;
        match v {
            Value::Object(inner) => {
                let _ = writeln!(o, "{pad}{}:", scalar(&Value::String(k.clone())));
                map(o, inner, order, indent + 2, false);
            }
            Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
                let parts: Vec<String> = items.iter().map(scalar).collect();
                let _ = writeln!(o, "{pad}{k}: [{}]", parts.join(", "));
            }
            Value::Array(items) => {
                let _ = writeln!(o, "{pad}{k}:");
                for i in items {
                    match i {
                        Value::Object(inner) => {
                            let _ = write!(o, "{}  - ", " ".repeat(indent));
                            map(o, inner, order, indent + 4, true);
                        }
                        other => {
                            let _ = writeln!(o, "{}  - {}", " ".repeat(indent), scalar(other));
                        }
                    }
                }
            }
            other => {
                let _ = writeln!(o, "{pad}{k}: {}", scalar(other));
            }
        }
    }
}

/// The model file as YAML, with a comment header.
pub fn model_yaml(file: &crate::model::ModelFile, header: &str) -> String {
    let v = serde_json::to_value(file).unwrap_or(Value::Null);
    let mut o = String::new();
    for line in header.lines() {
        let _ = writeln!(o, "# {line}");
    }
    if let Value::Object(m) = v {
        const ORDER: &[&str] = &[
            "title",
            "description",
            "id",
            "name",
            "type",
            "kind",
            "classification",
            "confidentiality",
            "integrity",
            "availability",
            "source",
            "target",
            "protocol",
            "authentication",
            "authorization",
            "encryption",
            "trust_level",
            "internet_facing",
            "data_assets",
            "technical_assets",
            "actors",
            "data_flows",
            "trust_boundaries",
        ];
        map(&mut o, &m, ORDER, 0, false);
    }
    o
}
