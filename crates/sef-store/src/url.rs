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
    /// plain path is a SQLite file.
    pub fn parse(s: &str) -> StoreUrl {
        let t = s.trim();
        if t.starts_with("postgres://") || t.starts_with("postgresql://") {
            return StoreUrl::Postgres(t.to_owned());
        }
        let path = t
            .strip_prefix("sqlite://")
            .or_else(|| t.strip_prefix("sqlite:"))
            .unwrap_or(t);
        StoreUrl::Sqlite(PathBuf::from(path))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_redacts() {
        assert_eq!(
            StoreUrl::parse("/tmp/x.db"),
            StoreUrl::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(
            StoreUrl::parse("sqlite:///tmp/x.db"),
            StoreUrl::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(
            StoreUrl::parse("sqlite:rel.db"),
            StoreUrl::Sqlite("rel.db".into())
        );
        let pg = StoreUrl::parse("postgres://sef:s3cret@db:5432/sef?sslmode=require");
        assert_eq!(
            pg.redacted(),
            "postgres://sef:***@db:5432/sef?sslmode=require"
        );
        assert_eq!(
            StoreUrl::parse("postgres://db/sef").redacted(),
            "postgres://db/sef"
        );
        assert_eq!(
            StoreUrl::parse("postgresql://u@db/sef").redacted(),
            "postgresql://u@db/sef"
        );
    }
}
