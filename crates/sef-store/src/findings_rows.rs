//! Writing a run's findings, the bulk of an upload (a run may carry
//! thousands). SQLite takes them as multi-row `INSERT`s, a thousand rows a
//! statement. PostgreSQL takes them through `COPY … FROM STDIN` in text
//! format: one stream instead of a thousand bound rows, which PostgreSQL
//! writes with its multi-row heap insert (the upload benchmark in
//! BENCHMARKS.md measured where an upload's time went on each).

use crate::StoreError;
use sef_model::{AssessmentRun, Finding};
use serde_json::value::RawValue;

/// The columns both writers fill, in order.
const COLUMNS: &str = "id, run_id, position, kind, analyzer, rule_id, severity, fingerprint, status, path, line, body";

/// Inserts `run`'s findings, whose bodies `bodies` holds encoded, into SQLite.
pub(crate) async fn insert_sqlite(
    conn: &mut sqlx::SqliteConnection,
    run: &AssessmentRun,
    bodies: &[Box<RawValue>],
) -> Result<(), StoreError> {
    let run_id = run.id.to_string();
    let numbered: Vec<(usize, (&Finding, &Box<RawValue>))> =
        run.findings.iter().zip(bodies).enumerate().collect();
    // 12 parameters a row stays far below SQLite's parameter limit
    for chunk in numbered.chunks(1000) {
        let mut qb =
            sqlx::QueryBuilder::<sqlx::Sqlite>::new(format!("INSERT INTO findings ({COLUMNS}) "));
        qb.push_values(chunk, |mut b, (i, (f, body))| {
            b.push_bind(f.id.to_string())
                .push_bind(run_id.clone())
                .push_bind(*i as i64)
                .push_bind(f.kind.as_str())
                .push_bind(f.analyzer.clone())
                .push_bind(f.rule_id.clone())
                .push_bind(f.severity.as_str())
                .push_bind(f.fingerprint.as_str().to_owned())
                .push_bind(f.status.as_str())
                .push_bind(f.location.as_ref().map(|l| l.path.clone()))
                .push_bind(f.location.as_ref().and_then(|l| l.line).map(i64::from))
                .push_bind(body.get());
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Copies `run`'s findings, whose bodies `bodies` holds encoded, into
/// PostgreSQL with one `COPY`.
pub(crate) async fn insert_postgres(
    conn: &mut sqlx::PgConnection,
    run: &AssessmentRun,
    bodies: &[Box<RawValue>],
) -> Result<(), StoreError> {
    if run.findings.is_empty() {
        return Ok(());
    }
    let data = copy_rows(run, bodies);
    let mut copy = conn
        .copy_in_raw(&format!("COPY findings ({COLUMNS}) FROM STDIN"))
        .await?;
    if let Err(e) = copy.send(data).await {
        // the connection is left in COPY mode otherwise
        let _ = copy.abort("sef: sending the findings failed").await;
        return Err(e.into());
    }
    copy.finish().await?;
    Ok(())
}

/// `run`'s findings as `COPY` text-format rows.
fn copy_rows(run: &AssessmentRun, bodies: &[Box<RawValue>]) -> Vec<u8> {
    let run_id = run.id.to_string();
    let size: usize = bodies.iter().map(|b| b.get().len() + 256).sum();
    let mut buf = Vec::with_capacity(size);
    for (i, (f, body)) in run.findings.iter().zip(bodies).enumerate() {
        let id = f.id.to_string();
        let position = i.to_string();
        let line = f
            .location
            .as_ref()
            .and_then(|l| l.line)
            .map(|n| n.to_string());
        let fields: [Option<&str>; 12] = [
            Some(&id),
            Some(&run_id),
            Some(&position),
            Some(f.kind.as_str()),
            Some(&f.analyzer),
            Some(&f.rule_id),
            Some(f.severity.as_str()),
            Some(f.fingerprint.as_str()),
            Some(f.status.as_str()),
            f.location.as_ref().map(|l| l.path.as_str()),
            line.as_deref(),
            Some(body.get()),
        ];
        push_row(&mut buf, &fields);
    }
    buf
}

/// Appends one `COPY` text-format row: fields separated by tabs, `\N` for
/// NULL, a backslash, tab, newline or carriage return escaped, `\n` at the
/// end.
fn push_row(buf: &mut Vec<u8>, fields: &[Option<&str>]) {
    for (n, field) in fields.iter().enumerate() {
        if n > 0 {
            buf.push(b'\t');
        }
        match field {
            None => buf.extend_from_slice(b"\\N"),
            Some(s) => {
                let mut start = 0;
                let bytes = s.as_bytes();
                for (i, &b) in bytes.iter().enumerate() {
                    let esc: &[u8] = match b {
                        b'\\' => b"\\\\",
                        b'\t' => b"\\t",
                        b'\n' => b"\\n",
                        b'\r' => b"\\r",
                        _ => continue,
                    };
                    buf.extend_from_slice(&bytes[start..i]);
                    buf.extend_from_slice(esc);
                    start = i + 1;
                }
                buf.extend_from_slice(&bytes[start..]);
            }
        }
    }
    buf.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::push_row;
    use proptest::prelude::*;

    /// Reads a `COPY` text-format row back, as PostgreSQL does.
    fn read_row(line: &[u8]) -> Vec<Option<String>> {
        let line = line.strip_suffix(b"\n").expect("row ends with a newline");
        line.split(|&b| b == b'\t')
            .map(|f| {
                if f == b"\\N" {
                    return None;
                }
                let mut out = Vec::new();
                let mut it = f.iter();
                while let Some(&b) = it.next() {
                    if b == b'\\' {
                        out.push(match it.next().expect("escape completed") {
                            b't' => b'\t',
                            b'n' => b'\n',
                            b'r' => b'\r',
                            &other => other,
                        });
                    } else {
                        out.push(b);
                    }
                }
                Some(String::from_utf8(out).expect("utf-8"))
            })
            .collect()
    }

    #[test]
    fn escapes_what_copy_reads_specially() {
        let mut buf = Vec::new();
        push_row(
            &mut buf,
            &[Some("a\tb\\c\nd\re"), None, Some(""), Some("\\N")],
        );
        assert_eq!(buf, b"a\\tb\\\\c\\nd\\re\t\\N\t\t\\\\N\n");
    }

    proptest! {
        /// Any strings (and NULLs) survive a row's round trip, so no field
        /// can spill into the next one or end the row early.
        #[test]
        fn rows_round_trip(fields in proptest::collection::vec(proptest::option::of(".*"), 1..14)) {
            let mut buf = Vec::new();
            let refs: Vec<Option<&str>> = fields.iter().map(|f| f.as_deref()).collect();
            push_row(&mut buf, &refs);
            prop_assert_eq!(buf.iter().filter(|&&b| b == b'\n').count(), 1);
            prop_assert_eq!(read_row(&buf), fields);
        }
    }
}
