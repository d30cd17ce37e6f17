//! The portfolio queries that answer with many rows (who ships a package,
//! the peers' KPI values) have the database build their answer as one
//! JSON array in one row: thousands of rows handed over one at a time,
//! each column copied and freed on its own, cost more than the query
//! itself. This module reads those arrays back, and orders them in Rust
//! (byte order), so that both backends answer in one order.

use crate::StoreError;
use crate::portfolio::ShipRow;
use serde::Deserialize;

/// One component row of "who ships": the columns of
/// [`crate::portfolio`]'s who-ships query, in their order.
#[derive(Deserialize)]
struct ShipTuple(
    String,                    // offering
    String,                    // release_version
    String,                    // ecosystem
    String,                    // name
    Option<String>,            // version
    Option<String>,            // purl
    Option<serde_json::Value>, // direct: true/false, or 1/0 on SQLite
    String,                    // scope
    Vec<String>,               // path
    String,                    // source_file
    String,                    // run_id
    i64,                       // started_us
    String,                    // phase
    Option<i64>,               // tier
    Option<String>,            // team
    Option<String>,            // business_unit
);

fn flag(v: Option<serde_json::Value>) -> Result<Option<bool>, StoreError> {
    match v {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Bool(b)) => Ok(Some(b)),
        Some(serde_json::Value::Number(n)) if n.as_i64().is_some() => {
            Ok(n.as_i64().map(|i| i != 0))
        }
        Some(other) => Err(StoreError::Decode(format!(
            "component `direct` is {other}, not a boolean"
        ))),
    }
}

/// The rows of a who-ships answer (a JSON array of [`ShipTuple`]s), by
/// offering, release, version and declaring file.
pub(crate) fn ship_rows(json: &str) -> Result<Vec<ShipRow>, StoreError> {
    let tuples: Vec<ShipTuple> = serde_json::from_str(json)
        .map_err(|e| StoreError::Decode(format!("who-ships rows: {e}")))?;
    let mut out = Vec::with_capacity(tuples.len());
    for t in tuples {
        out.push(ShipRow {
            offering: t.0,
            release: t.1,
            team: t.14,
            business_unit: t.15,
            tier: t.13,
            phase: t.12,
            run_id: t.10,
            assessed_at: crate::portfolio::assessed_at(t.11)?,
            ecosystem: t.2,
            name: t.3,
            version: t.4,
            purl: t.5,
            direct: flag(t.6)?,
            scope: t.7,
            path: t.8,
            source_file: t.9,
        });
    }
    out.sort_by(|a, b| {
        (&a.offering, &a.release, &a.version, &a.source_file).cmp(&(
            &b.offering,
            &b.release,
            &b.version,
            &b.source_file,
        ))
    });
    Ok(out)
}

/// Each peer offering with its KPI values, `(offering, [(KPI, value)])`.
pub(crate) type Peers = Vec<(String, Vec<(String, f64)>)>;

/// Groups `[offering, KPI, value as text]` triples (a JSON array) by
/// offering, in byte order of offering and KPI. Values travel as text with
/// the digits to read back the same double.
pub(crate) fn peers(triples: &str) -> Result<Peers, StoreError> {
    let mut t: Vec<(String, String, String)> = serde_json::from_str(triples)
        .map_err(|e| StoreError::Decode(format!("peer KPI values: {e}")))?;
    t.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let mut out: Peers = Vec::new();
    for (o, kpi, value) in t {
        // a value that is no finite number (NaN) is no value
        let Some(v) = value.parse::<f64>().ok().filter(|v| v.is_finite()) else {
            continue;
        };
        match out.last_mut() {
            Some((last, vals)) if *last == o => vals.push((kpi, v)),
            _ => out.push((o, vec![(kpi, v)])),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn ship_rows_read_either_backend_and_sort() {
        let sqlite = r#"[["b","1","crates.io","x","1.0",null,1,"runtime",["a","x"],"Cargo.lock","r1",1000000,"develop",null,"t",null],
                         ["a","2","crates.io","x",null,null,null,"dev",[],"Cargo.lock","r2",0,"develop",3,null,"u"]]"#;
        let rows = ship_rows(sqlite).unwrap();
        assert_eq!(rows[0].offering, "a");
        assert_eq!((rows[0].direct, rows[0].tier), (None, Some(3)));
        assert_eq!(rows[1].direct, Some(true));
        assert_eq!(rows[1].path, vec!["a", "x"]);
        let pg = sqlite.replace(",1,\"runtime\"", ",false,\"runtime\"");
        assert_eq!(ship_rows(&pg).unwrap()[1].direct, Some(false));
        assert!(ship_rows(&sqlite.replace(",1,\"runtime\"", ",\"yes\",\"runtime\"")).is_err());
        assert!(ship_rows("[[\"a\"]]").is_err());
        assert!(ship_rows("[]").unwrap().is_empty());
    }

    #[test]
    fn peers_group_and_keep_every_digit() {
        let p = peers(r#"[["b","k2","0.66666666666666663"],["a","k1","NaN"],["b","k1","1e300"],["a","k2","0.1"]]"#).unwrap();
        assert_eq!(
            p,
            vec![
                ("a".to_owned(), vec![("k2".to_owned(), 0.1)]),
                (
                    "b".to_owned(),
                    vec![("k1".to_owned(), 1e300), ("k2".to_owned(), 2.0 / 3.0)]
                ),
            ]
        );
        assert!(peers("{}").is_err());
    }
}
