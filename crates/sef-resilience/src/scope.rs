//! Scope items: what a penetration test covered, and what a release must
//! have tested. An item is `component:NAME`, `endpoint:URL` or `asset:ID`
//! (a threat-model asset). An endpoint covers the endpoints below it: a
//! test of `https://shop.example.com/` covers `https://shop.example.com/api`.

/// The kinds of scope item, as written before the colon.
pub const KINDS: [&str; 3] = ["component", "endpoint", "asset"];

/// The longest scope item accepted.
const MAX_LEN: usize = 1024;

/// Checks and normalises one scope item: the kind is lower-cased, the
/// value trimmed, an endpoint's scheme and host lower-cased.
pub fn parse_item(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    let Some((kind, value)) = raw.split_once(':') else {
        return Err(format!(
            "`{}` has no kind: write `component:NAME`, `endpoint:URL` or `asset:ID`",
            shorten(raw)
        ));
    };
    let kind = kind.trim().to_ascii_lowercase();
    let value = value.trim();
    if !KINDS.contains(&kind.as_str()) {
        return Err(format!(
            "`{}`: the kind `{kind}` is not one of component, endpoint, asset",
            shorten(raw)
        ));
    }
    if value.is_empty() {
        return Err(format!("`{}` names nothing after the colon", shorten(raw)));
    }
    if raw.len() > MAX_LEN {
        return Err(format!("a scope item is longer than {MAX_LEN} bytes"));
    }
    if value.chars().any(char::is_control) {
        return Err(format!(
            "`{}` contains control characters",
            shorten(raw).escape_debug()
        ));
    }
    if kind == "endpoint" {
        let Some((scheme, rest)) = value.split_once("://") else {
            return Err(format!(
                "`{}`: an endpoint is a URL such as https://host/path",
                shorten(raw)
            ));
        };
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if host.is_empty() {
            return Err(format!("`{}`: the URL has no host", shorten(raw)));
        }
        return Ok(format!(
            "endpoint:{}://{}{}",
            scheme.to_ascii_lowercase(),
            host.to_ascii_lowercase(),
            if path.is_empty() { "/" } else { path }
        ));
    }
    Ok(format!("{kind}:{value}"))
}

/// Whether a test's scope item `tested` covers the declared item `declared`
/// (both normalised by [`parse_item`]).
pub fn covers(tested: &str, declared: &str) -> bool {
    if tested == declared {
        return true;
    }
    match (
        tested.strip_prefix("endpoint:"),
        declared.strip_prefix("endpoint:"),
    ) {
        (Some(t), Some(d)) => {
            d.starts_with(t)
                && (t.ends_with('/') || matches!(d.as_bytes().get(t.len()), Some(b'/' | b'?')))
        }
        _ => false,
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= 80 {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(77).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_normalise_and_bad_ones_say_why() {
        assert_eq!(
            parse_item(" Component: api ").unwrap(),
            "component:api".to_owned()
        );
        assert_eq!(
            parse_item("endpoint:HTTPS://Shop.Example.com").unwrap(),
            "endpoint:https://shop.example.com/"
        );
        assert_eq!(
            parse_item("endpoint:https://shop.example.com/Api").unwrap(),
            "endpoint:https://shop.example.com/Api"
        );
        assert!(parse_item("api").unwrap_err().contains("no kind"));
        assert!(parse_item("host:x").unwrap_err().contains("not one of"));
        assert!(parse_item("asset:").unwrap_err().contains("names nothing"));
        assert!(parse_item("endpoint:shop").unwrap_err().contains("URL"));
        assert!(
            parse_item("endpoint:https:///x")
                .unwrap_err()
                .contains("no host")
        );
    }

    #[test]
    fn endpoints_cover_what_is_below_them() {
        let root = "endpoint:https://shop.example.com/";
        assert!(covers(root, "endpoint:https://shop.example.com/api"));
        assert!(covers(
            "endpoint:https://shop.example.com/api",
            "endpoint:https://shop.example.com/api/v1"
        ));
        assert!(!covers(
            "endpoint:https://shop.example.com/api",
            "endpoint:https://shop.example.com/apis"
        ));
        assert!(!covers(root, "endpoint:https://shop.example.org/"));
        assert!(covers("component:api", "component:api"));
        assert!(!covers("component:api", "component:api-gateway"));
        assert!(!covers("component:api", "asset:api"));
    }
}
