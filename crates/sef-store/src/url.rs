//! Store locations: a SQLite file path or a PostgreSQL URL.

use std::path::PathBuf;

/// Where the store lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreUrl {
    /// A SQLite database file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl StoreUrl {
    /// Interprets `--db` / `SEF_DATABASE_URL`: `postgres://…` or
    /// `postgresql://…` is PostgreSQL; `sqlite://PATH`, `sqlite:PATH` or a
    /// plain path is a SQLite file. An empty location, `sqlite://` without
    /// a path and any other scheme (`mysql://…`) are errors, never a file
    /// of that name.
    pub fn parse(s: &str) -> Result<StoreUrl, String> {
        let t = s.trim();
        if t.is_empty() {
            return Err(
                "the store location is empty: pass --db PATH (a SQLite file) or --db postgres://…, or leave --db and SEF_DATABASE_URL unset for the default file".to_owned(),
            );
        }
        if t.starts_with("postgres://") || t.starts_with("postgresql://") {
            return Ok(StoreUrl::Postgres(t.to_owned()));
        }
        if let Some(path) = t
            .strip_prefix("sqlite://")
            .or_else(|| t.strip_prefix("sqlite:"))
        {
            if path.trim().is_empty() {
                return Err(format!(
                    "`{t}` names no file: write sqlite://PATH, e.g. sqlite:///var/lib/sef/sef.db"
                ));
            }
            return Ok(StoreUrl::Sqlite(PathBuf::from(path)));
        }
        if let Some((scheme, _)) = t.split_once("://")
            && !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            return Err(format!(
                "`{scheme}://` is not a store sef can use: the store is a SQLite file (a path or sqlite://PATH) or PostgreSQL (postgres://…)"
            ));
        }
        Ok(StoreUrl::Sqlite(PathBuf::from(t)))
    }

    /// The location with any password replaced by `***`, safe to print.
    pub fn redacted(&self) -> String {
        match self {
            StoreUrl::Sqlite(p) => p.display().to_string(),
            StoreUrl::Postgres(u) => redact_password(u),
        }
    }
}

fn redact_password(url: &str) -> String {
    let url = &redact_query_password(url);
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return url.to_owned();
    };
    let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
    let masked = if userinfo.contains(':') {
        format!("{user}:***")
    } else {
        user.to_owned()
    };
    format!("{scheme}://{masked}@{host}{tail}")
}

/// Masks `password=` and `sslpassword=` parameters of the query string.
fn redact_query_password(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let params: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, _))
                if k.eq_ignore_ascii_case("password") || k.eq_ignore_ascii_case("sslpassword") =>
            {
                format!("{k}=***")
            }
            _ => p.to_owned(),
        })
        .collect();
    format!("{base}?{}", params.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_locations_are_errors() {
        assert!(StoreUrl::parse("").is_err());
        assert!(StoreUrl::parse("  ").is_err());
        assert!(StoreUrl::parse("sqlite://").is_err());
        assert!(StoreUrl::parse("sqlite:").is_err());
        let e = StoreUrl::parse("mysql://root@db/sef").unwrap_err();
        assert!(e.contains("mysql://"), "{e}");
        assert_eq!(
            StoreUrl::parse("postgres://db/sef?password=hunter2&sslmode=require")
                .unwrap()
                .redacted(),
            "postgres://db/sef?password=***&sslmode=require"
        );
    }

    #[test]
    fn parses_and_redacts() {
        assert_eq!(
            StoreUrl::parse("/tmp/x.db").unwrap(),
            StoreUrl::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(
            StoreUrl::parse("sqlite:///tmp/x.db").unwrap(),
            StoreUrl::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(
            StoreUrl::parse("sqlite:rel.db").unwrap(),
            StoreUrl::Sqlite("rel.db".into())
        );
        let pg = StoreUrl::parse("postgres://sef:s3cret@db:5432/sef?sslmode=require").unwrap();
        assert_eq!(
            pg.redacted(),
            "postgres://sef:***@db:5432/sef?sslmode=require"
        );
        assert_eq!(
            StoreUrl::parse("postgres://db/sef").unwrap().redacted(),
            "postgres://db/sef"
        );
        assert_eq!(
            StoreUrl::parse("postgresql://u@db/sef").unwrap().redacted(),
            "postgresql://u@db/sef"
        );
    }
}
