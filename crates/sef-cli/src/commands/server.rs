//! `sef serve` and the commands that administer a shared store from the
//! machine it runs on: users and roles, API tokens, offerings and teams,
//! the audit trail, backups. Changes made here are audited as the
//! operating-system user, marked self-asserted.

use crate::cli::{
    AuditExportArgs, AuditVerifyArgs, BackupArgs, GrantArgs, MigrateArgs, OfferingPutArgs,
    ServeArgs, TokenCreateArgs, TokenListArgs, TokenRevokeArgs, UserAddArgs, UserListArgs,
    ViewFormatArg,
};
use crate::{output, store};
use anyhow::{Context, Result};
use sef_model::access::{Grant, GrantScope, Role};
use sef_server::ServerConfig;
use sef_store::Store;

fn open(db: Option<&str>) -> Result<(tokio::runtime::Runtime, Store)> {
    let rt = store::runtime()?;
    let st = rt.block_on(store::open(&store::url(db)?))?;
    Ok((rt, st))
}

fn open_existing(db: Option<&str>) -> Result<(tokio::runtime::Runtime, Store)> {
    let rt = store::runtime()?;
    let st = rt.block_on(store::open_existing(&store::url(db)?))?;
    Ok((rt, st))
}

/// `sef serve`.
pub fn serve(a: &ServeArgs) -> Result<u8> {
    let mut config = match &a.config {
        Some(p) => ServerConfig::from_file(p)?,
        None => ServerConfig::default(),
    };
    if let Some(l) = a.listen {
        config.listen = l;
    }
    if a.tls_cert.is_some() {
        config.tls_cert = a.tls_cert.clone();
        config.tls_key = a.tls_key.clone();
    }
    config.secure_cookies |= a.secure_cookies;
    if let Some(w) = a.workers {
        config.jobs.workers = w;
    }
    if a.node_id.is_some() {
        config.node_id = a.node_id.clone();
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let url = store::url(a.store.db.as_deref())?;
    let st = rt.block_on(Store::open(&url))?;
    let scheme = if config.tls_cert.is_some() {
        "https"
    } else {
        "http"
    };
    let workers = config.jobs.workers;
    let state = sef_server::AppState::new(st.clone(), config)?;
    eprintln!(
        "sef serve: {scheme}://{} on the {} store {}, node {} with {workers} job worker{} (Ctrl-C stops)",
        state.config.listen,
        st.backend_name(),
        st.location(),
        state.node,
        if workers == 1 { "" } else { "s" }
    );
    rt.block_on(sef_server::serve(state, shutdown_signal()))?;
    rt.block_on(st.close());
    eprintln!("sef serve: stopped");
    Ok(crate::EXIT_PASS)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

fn read_password() -> Result<String> {
    if let Ok(p) = std::env::var("SEF_USER_PASSWORD") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

/// `sef user add`.
pub fn user_add(a: &UserAddArgs) -> Result<u8> {
    let password = read_password()?;
    let user = sef_server::api::admin::new_user(&a.name, &password)?;
    let (rt, st) = open(a.store.db.as_deref())?;
    rt.block_on(st.create_user(&user))?;
    rt.block_on(st.close());
    eprintln!(
        "sef: user {} created; grant a role with `sef user grant {} ROLE SCOPE`",
        a.name, a.name
    );
    Ok(crate::EXIT_PASS)
}

fn grant_of(a: &GrantArgs) -> Result<Grant> {
    let role = Role::parse(&a.role).with_context(|| {
        format!(
            "unknown role `{}`; roles are {}",
            a.role,
            Role::ALL
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let scope: GrantScope = a.scope.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    Ok(Grant { role, scope })
}

fn user_named(rt: &tokio::runtime::Runtime, st: &Store, name: &str) -> Result<sef_store::User> {
    rt.block_on(st.user_by_name(name))?.with_context(|| {
        format!(
            "no user `{name}` in {}; create it with `sef user add {name}`",
            st.location()
        )
    })
}

/// `sef user grant`.
pub fn user_grant(a: &GrantArgs) -> Result<u8> {
    let g = grant_of(a)?;
    let (rt, st) = open_existing(a.store.db.as_deref())?;
    let u = user_named(&rt, &st, &a.name)?;
    rt.block_on(st.grant(&u, &g))?;
    rt.block_on(st.close());
    eprintln!("sef: {} holds {}@{}", a.name, g.role, g.scope);
    Ok(crate::EXIT_PASS)
}

/// `sef user revoke`.
pub fn user_revoke(a: &GrantArgs) -> Result<u8> {
    let g = grant_of(a)?;
    let (rt, st) = open_existing(a.store.db.as_deref())?;
    let u = user_named(&rt, &st, &a.name)?;
    let removed = rt.block_on(st.revoke_grant(&u, &g))?;
    rt.block_on(st.close());
    if !removed {
        anyhow::bail!("{} does not hold {}@{}", a.name, g.role, g.scope);
    }
    Ok(crate::EXIT_PASS)
}

/// `sef user list`.
pub fn user_list(a: &UserListArgs) -> Result<u8> {
    let (rt, st) = open_existing(a.store.db.as_deref())?;
    let mut rows = Vec::new();
    for u in rt.block_on(st.users())? {
        let grants = rt.block_on(st.grants_of(&u.id))?;
        rows.push(serde_json::json!({
            "name": u.name,
            "disabled": u.disabled,
            "grants": grants.iter().map(|g| format!("{}@{}", g.role, g.scope)).collect::<Vec<_>>(),
        }));
    }
    rt.block_on(st.close());
    match a.format {
        ViewFormatArg::Json => print_json(
            &serde_json::json!({ "schema": "sef.users", "schema_version": 1, "users": rows }),
        )?,
        ViewFormatArg::Text => {
            for r in &rows {
                let grants: Vec<&str> = r["grants"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|g| g.as_str())
                    .collect();
                println!(
                    "{}{}  {}",
                    r["name"].as_str().unwrap_or(""),
                    if r["disabled"] == true {
                        " (disabled)"
                    } else {
                        ""
                    },
                    if grants.is_empty() {
                        "no roles".to_owned()
                    } else {
                        grants.join(", ")
                    }
                );
            }
        }
    }
    Ok(crate::EXIT_PASS)
}

fn print_json(v: &serde_json::Value) -> Result<()> {
    let mut s = serde_json::to_string_pretty(v)?;
    s.push('\n');
    output::emit_raw(&s, None)
}

/// `sef token create`: prints the token once, on standard output.
pub fn token_create(a: &TokenCreateArgs) -> Result<u8> {
    let (rt, st) = open_existing(a.store.db.as_deref())?;
    let u = user_named(&rt, &st, &a.user)?;
    let req = sef_server::api::admin::TokenRequest {
        name: a.name.clone(),
        offerings: a.offering.clone(),
        permissions: a.permission.clone(),
        days: Some(a.days),
    };
    let t = rt.block_on(sef_server::api::admin::issue_token(
        &st,
        ServerConfig::default().max_token_days,
        &u,
        &req,
    ))?;
    rt.block_on(st.close());
    println!("{}", t.token);
    eprintln!(
        "sef: token {} for {} expires {}; it is shown only now (set it as SEF_TOKEN in CI)",
        t.id, a.user, t.expires_at
    );
    Ok(crate::EXIT_PASS)
}

/// `sef token list`.
pub fn token_list(a: &TokenListArgs) -> Result<u8> {
    let (rt, st) = open_existing(a.store.db.as_deref())?;
    let u = user_named(&rt, &st, &a.user)?;
    let tokens = rt.block_on(st.tokens_of(&u.id))?;
    rt.block_on(st.close());
    match a.format {
        ViewFormatArg::Json => print_json(
            &serde_json::json!({ "schema": "sef.tokens", "schema_version": 1, "tokens": tokens }),
        )?,
        ViewFormatArg::Text => {
            for t in &tokens {
                println!(
                    "{}  {}  expires {}{}{}",
                    t.id,
                    t.name,
                    t.expires_at,
                    t.revoked_at
                        .as_deref()
                        .map(|r| format!(", revoked {r}"))
                        .unwrap_or_default(),
                    t.last_used_at
                        .as_deref()
                        .map(|r| format!(", last used {r}"))
                        .unwrap_or_default()
                );
            }
        }
    }
    Ok(crate::EXIT_PASS)
}

/// `sef token revoke`.
pub fn token_revoke(a: &TokenRevokeArgs) -> Result<u8> {
    let (rt, st) = open_existing(a.store.db.as_deref())?;
    let done = rt.block_on(st.revoke_token(&a.id))?;
    rt.block_on(st.close());
    if !done {
        anyhow::bail!("no live token {} in this store", a.id);
    }
    Ok(crate::EXIT_PASS)
}

/// `sef offering put`.
pub fn offering_put(a: &OfferingPutArgs) -> Result<u8> {
    sef_server::api::offerings::check_name("offering", &a.name)?;
    sef_server::api::offerings::check_name("team", &a.team)?;
    if let Some(bu) = &a.business_unit {
        sef_server::api::offerings::check_name("business unit", bu)?;
    }
    let (rt, st) = open(a.store.db.as_deref())?;
    rt.block_on(st.put_offering_in(&a.name, &a.team, a.business_unit.as_deref()))?;
    rt.block_on(st.close());
    match &a.business_unit {
        Some(bu) => eprintln!(
            "sef: offering {} belongs to team {} in business unit {bu}",
            a.name, a.team
        ),
        None => eprintln!("sef: offering {} belongs to team {}", a.name, a.team),
    }
    Ok(crate::EXIT_PASS)
}

/// `sef audit verify`.
pub fn audit_verify(a: &AuditVerifyArgs) -> Result<u8> {
    let (rt, st) = open_existing(a.store.db.as_deref())?;
    let v = rt.block_on(st.verify_audit())?;
    rt.block_on(st.close());
    match a.format {
        ViewFormatArg::Json => print_json(
            &serde_json::json!({ "schema": "sef.audit-verification", "schema_version": 1, "ok": v.ok(), "verification": v }),
        )?,
        ViewFormatArg::Text => {
            if v.ok() {
                println!(
                    "audit trail intact: {} entries, head {} ({})",
                    v.entries, v.head_seq, v.head_hash
                );
            } else {
                println!("audit trail TAMPERED: {} problem(s)", v.problems.len());
                for p in &v.problems {
                    println!("  {p}");
                }
            }
        }
    }
    Ok(if v.ok() {
        crate::EXIT_PASS
    } else {
        crate::EXIT_FAIL
    })
}

/// `sef audit export`.
pub fn audit_export(a: &AuditExportArgs) -> Result<u8> {
    let (rt, st) = open_existing(a.store.db.as_deref())?;
    let mut out: Box<dyn std::io::Write> = match &a.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("{}: cannot create", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut after = a.after;
    loop {
        let page = rt.block_on(st.audit_entries(after, 5000))?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for e in &page {
            serde_json::to_writer(&mut out, e)?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    rt.block_on(st.close());
    Ok(crate::EXIT_PASS)
}

/// `sef backup`.
pub fn backup(a: &BackupArgs) -> Result<u8> {
    let (rt, st) = open_existing(a.store.db.as_deref())?;
    rt.block_on(st.backup_to(&a.output)).with_context(|| {
        format!(
            "{}: cannot back up to {}",
            st.location(),
            a.output.display()
        )
    })?;
    rt.block_on(st.close());
    eprintln!("sef: {} backed up to {}", st.location(), a.output.display());
    Ok(crate::EXIT_PASS)
}

/// `sef migrate`: rewrites `sef.toml` and `security/team.toml` in place
/// (through a temporary file), then loads the plan to prove it reads.
pub fn migrate(a: &MigrateArgs) -> Result<u8> {
    let mut pending = 0;
    for rel in [sef_plan::PLAN_FILE, "security/team.toml"] {
        let path = a.path.join(rel);
        let Some(text) = sef_fs::read_string_if_exists(&path, sef_plan::MAX_PLAN_BYTES)
            .with_context(|| format!("{}: cannot read", path.display()))?
        else {
            continue;
        };
        let Some((new, changes)) = sef_plan::migrate::migrate_text(&text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        else {
            continue;
        };
        pending += changes.len();
        for c in &changes {
            println!("{}: {c}", path.display());
        }
        if !a.check {
            let tmp = path.with_extension("toml.sef-migrate");
            std::fs::write(&tmp, &new)
                .with_context(|| format!("{}: cannot write", tmp.display()))?;
            std::fs::rename(&tmp, &path)
                .with_context(|| format!("{}: cannot replace", path.display()))?;
        }
    }
    if a.check {
        return Ok(if pending == 0 {
            crate::EXIT_PASS
        } else {
            crate::EXIT_FAIL
        });
    }
    sef_plan::Plan::load(&std::fs::canonicalize(&a.path)?).with_context(|| {
        format!(
            "{}: the plan does not read after the migration",
            a.path.display()
        )
    })?;
    eprintln!("sef: {} change(s); the plan reads", pending);
    Ok(crate::EXIT_PASS)
}
