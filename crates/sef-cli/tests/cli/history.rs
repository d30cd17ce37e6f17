//! End to end: `sef history` and the `history` evidence of `sef assess` on
//! real git repositories built with the git CLI: review trailers, pull
//! request merges with and without a (mock) GitHub forge, vendored code,
//! SSH- and OpenPGP-signed commits (verified, unknown key, tampered),
//! .mailmap, new contributors and identities outside the team file, a
//! shallow clone, a forge that fails or rate-limits.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use sef_testkit::http::{Reply, serve_requests};
use std::path::Path;
use std::process::Command;

/// Runs git as `who` (`Name <mail>`), with extra `-c` settings.
fn git_as(root: &Path, who: (&str, &str), extra: &[(&str, &str)], args: &[&str]) -> String {
    let mut c = Command::new("git");
    c.args([
        "-c",
        "init.defaultBranch=main",
        "-c",
        "commit.gpgsign=false",
    ]);
    for (k, v) in extra {
        c.arg("-c").arg(format!("{k}={v}"));
    }
    let out = c
        .args(args)
        .current_dir(root)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env("GIT_AUTHOR_NAME", who.0)
        .env("GIT_AUTHOR_EMAIL", who.1)
        .env("GIT_COMMITTER_NAME", who.0)
        .env("GIT_COMMITTER_EMAIL", who.1)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

const ANA: (&str, &str) = ("Ana", "ana@x.org");
const ANA_OLD: (&str, &str) = ("Ana Old", "ana.old@x.org");
const CARL: (&str, &str) = ("Carl", "carl@y.org");

fn commit(root: &Path, who: (&str, &str), file: &str, msg: &str) -> String {
    write(root, file, &format!("{msg}\n"));
    git_as(root, who, &[], &["add", "-A"]);
    git_as(root, who, &[], &["commit", "-q", "-m", msg]);
    git_as(root, who, &[], &["rev-parse", "HEAD"])
}

const PLAN: &str = "[offering]\nname = \"hist\"\n[analyzers.vulnerabilities]\nenabled = false\n\
[team]\n[[team.member]]\nid = \"ana\"\nroles = [\"developer\"]\nemails = [\"ana@x.org\"]\n\
[[team.member]]\nid = \"bo\"\nroles = [\"developer\"]\nemails = [\"bo@x.org\"]\n\
[analyzers.history]\nvendored = [\"vendor/\"]\n";

/// v1.0.0, then: a reviewed commit by Ana under her old address (mapped
/// by .mailmap), an unreviewed vendored update, a pull request by Carl
/// merged with GitHub's subject, a squash-merged pull request.
fn repo(env: &Env, plan_extra: &str) -> std::path::PathBuf {
    let r = env.repo("hist");
    git_as(&r, ANA, &[], &["init", "-q"]);
    let (own, sub) = plan_extra
        .split_once("[analyzers.history.forge]")
        .map_or((plan_extra, String::new()), |(a, b)| {
            (a, format!("[analyzers.history.forge]{b}"))
        });
    write(
        &r,
        "sef.toml",
        &format!(
            "{PLAN}{own}[analyzers.history.components]\ncore = [\"src/\"]\ndocs = [\"docs/\"]\n{sub}"
        ),
    );
    write(&r, ".mailmap", "Ana <ana@x.org> <ana.old@x.org>\n");
    commit(&r, ANA, "src/a.rs", "init");
    git_as(&r, ANA, &[], &["tag", "v1.0.0"]);
    commit(
        &r,
        ANA_OLD,
        "src/b.rs",
        "Parser fix\n\nReviewed-by: Bo <bo@x.org>\nSigned-off-by: Ana <ana.old@x.org>",
    );
    commit(&r, ANA, "vendor/lib/x.c", "Update the vendored lib");
    git_as(&r, ANA, &[], &["checkout", "-q", "-b", "feature"]);
    commit(&r, CARL, "src/c.rs", "Carl's feature");
    commit(&r, CARL, "docs/c.md", "Carl's docs");
    git_as(&r, ANA, &[], &["checkout", "-q", "main"]);
    git_as(
        &r,
        ANA,
        &[],
        &[
            "merge",
            "-q",
            "--no-ff",
            "feature",
            "-m",
            "Merge pull request #7 from carl/feature",
        ],
    );
    commit(&r, ANA, "src/d.rs", "Fix the thing (#8)");
    r
}

fn history(env: &Env, r: &Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = env
        .sef()
        .current_dir(r)
        .args(["history", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        !out.stdout.is_empty(),
        "sef history {args:?}: {}",
        stderr(&out)
    );
    (code, json(&out.stdout), stderr(&out))
}

#[test]
fn review_coverage_contributors_and_mailmap_without_a_forge() {
    let env = Env::new();
    let r = repo(&env, "");
    let (code, doc, err) = history(&env, &r, &["--commits", "--allow-outside-repo"]);
    assert_eq!(code, 0, "{err}");
    let h = &doc["history"];
    assert_eq!(h["range"]["base"]["label"], "v1.0.0", "{h}");
    assert_eq!(h["range"]["base"]["how"], "previous-tag");
    assert_eq!(h["range"]["commits"], 6, "{h}");
    assert_eq!(h["range"]["merges"], 1);
    let dev = &h["review"]["developed"];
    // b.rs (trailer) reviewed; c.rs and c.md via PR #7 unknown; d.rs (#8) unknown.
    assert_eq!(dev["commits"], 4, "{dev}");
    assert_eq!(dev["reviewed"], 1);
    assert_eq!(dev["unknown"], 3);
    assert_eq!(dev["not_reviewed"], 0);
    let ext = &h["review"]["external"];
    assert_eq!(
        (ext["commits"].clone(), ext["not_reviewed"].clone()),
        (1.into(), 1.into())
    );
    let comps = h["review"]["components"].as_array().unwrap();
    assert_eq!(comps[0]["name"], "core");
    assert_eq!(comps[0]["developed"]["commits"], 3);
    assert_eq!(comps[1]["name"], "docs");
    assert_eq!(comps[1]["developed"]["commits"], 1);
    // .mailmap: Ana's old address is Ana.
    let people = h["contributors"]["people"].as_array().unwrap();
    let emails: Vec<&str> = people
        .iter()
        .map(|p| p["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["ana@x.org", "carl@y.org"], "{people:?}");
    assert_eq!(h["contributors"]["new"], serde_json::json!(["carl@y.org"]));
    assert_eq!(h["contributors"]["outside_team"][0]["email"], "carl@y.org");
    // Trailers and touched paths per commit.
    let commits = doc["commits"].as_array().unwrap();
    let fix = commits
        .iter()
        .find(|c| c["subject"] == "Parser fix")
        .unwrap();
    assert_eq!(fix["author"]["email"], "ana@x.org");
    assert_eq!(fix["paths"], serde_json::json!(["src/b.rs"]));
    assert_eq!(fix["trailers"][0][0], "reviewed-by");
    assert_eq!(fix["review"]["state"], "reviewed");
    let carl = commits
        .iter()
        .find(|c| c["subject"] == "Carl's feature")
        .unwrap();
    assert_eq!(carl["entry"]["kind"], "merge");
    assert_eq!(carl["review"]["state"], "unknown");

    // The report's "Git history" section lists coverage and contributors,
    // those outside the team file first.
    let out = env
        .sef()
        .current_dir(&r)
        .args(["assess", "--no-store", "--format", "markdown"])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("## Git history"), "{md}");
    assert!(
        md.contains("| core | 33.3 % (1 of 3), 2 unknown | no commits |"),
        "{md}"
    );
    assert!(
        md.contains("| Carl &lt;carl@y.org&gt; | 2 | yes | no |"),
        "{md}"
    );

    // --since a date before everything: the whole history, nobody new
    // measured against an empty past (everyone is new).
    let (_, doc, _) = history(&env, &r, &["--since", "2000-01-01"]);
    assert_eq!(doc["history"]["range"]["commits"], 7);
    // --since a revision.
    let (_, doc, _) = history(&env, &r, &["--since", "HEAD~1"]);
    assert_eq!(doc["history"]["range"]["commits"], 1);
    // A bad revision is a clear error.
    let out = env
        .sef()
        .current_dir(&r)
        .args(["history", "--since", "no-such-tag"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no-such-tag"), "{}", stderr(&out));
}

fn pulls_json(n: u64, author: &str) -> Vec<u8> {
    format!(r#"{{"number":{n},"user":{{"login":"{author}"}},"merged_at":"2026-11-01T00:00:00Z"}}"#)
        .into_bytes()
}

/// A mock GitHub: PR #7 (by carl) approved by bo; PR #8 (by ana)
/// approved only by its author.
fn github(token_seen: std::sync::Arc<std::sync::atomic::AtomicBool>) -> sef_testkit::http::Server {
    serve_requests(move |req| {
        if req.header("authorization") == Some("Bearer t0ken") {
            token_seen.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        let p = req.path.as_str();
        let body = if p.ends_with("/pulls/7") {
            pulls_json(7, "carl")
        } else if p.ends_with("/pulls/8") {
            pulls_json(8, "ana")
        } else if p.contains("/pulls/7/reviews") {
            br#"[{"user":{"login":"carl"},"state":"APPROVED"},{"user":{"login":"bo"},"state":"APPROVED"}]"#.to_vec()
        } else if p.contains("/pulls/8/reviews") {
            br#"[{"user":{"login":"ana"},"state":"APPROVED"},{"user":{"login":"bo"},"state":"COMMENTED"}]"#.to_vec()
        } else if p.contains("/commits/") {
            b"[]".to_vec()
        } else {
            return Reply::Status(404);
        };
        Reply::Body(body)
    })
}

#[test]
fn a_forge_decides_pull_requests_and_its_cache_is_reused() {
    let env = Env::new();
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let gh = github(seen.clone());
    let r = repo(
        &env,
        &format!(
            "[analyzers.history.forge]\nbase_url = \"{}\"\nrepository = \"o/hist\"\ncache = \".cache\"\n",
            gh.base
        ),
    );
    // sef.toml names the mock as the forge, but only the user decides
    // where the token goes: without their leave it is not sent
    let host = gh.base.trim_start_matches("http://").to_owned();
    let out = env
        .sef()
        .current_dir(&r)
        .env("GITHUB_TOKEN", "t0ken")
        .args(["history", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        !seen.load(std::sync::atomic::Ordering::SeqCst),
        "the token went to a host the repository chose"
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // the user allows the host
    std::fs::remove_dir_all(r.join(".cache")).ok();
    let out = env
        .sef()
        .current_dir(&r)
        .env("GITHUB_TOKEN", "t0ken")
        .args(["history", "--format", "json", "--forge-token-host", &host])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc = json(&out.stdout);
    let dev = &doc["history"]["review"]["developed"];
    // PR #7 (two commits) reviewed by bo; #8 approved only by its author.
    assert_eq!(dev["reviewed"], 3, "{dev}");
    assert_eq!(dev["not_reviewed"], 1);
    assert_eq!(dev["unknown"], 0);
    assert!(
        seen.load(std::sync::atomic::Ordering::SeqCst),
        "the token was not sent"
    );
    let first = gh.hits();
    assert!(first > 0);
    // Merged pull requests come from the cache the second time.
    let (_, doc, _) = history(&env, &r, &[]);
    assert_eq!(doc["history"]["review"]["developed"]["reviewed"], 3);
    assert_eq!(gh.hits(), first, "the cache was not used");
    assert!(
        doc["history"]["review"]["forge"]["cached"]
            .as_u64()
            .unwrap()
            >= 2
    );

    // sef assess: the KPI is measured from the history evidence.
    let out = env
        .sef()
        .current_dir(&r)
        .args(["assess", "--format", "json", "--no-store"])
        .output()
        .unwrap();
    let report = json(&out.stdout);
    let ev = evidence_of(&report, "history");
    assert_eq!(ev["payload"]["review"]["developed"]["reviewed"], 3, "{ev}");
    let kpis = report["run"]["kpis"].as_array().unwrap();
    let k = kpis
        .iter()
        .find(|k| k["kpi_id"] == "integrity.developed-code-review")
        .unwrap();
    assert_eq!(k["measurement"]["value"], 75.0, "{k}");
}

#[test]
fn a_failing_or_rate_limiting_forge_gives_partial_evidence_not_a_crash() {
    let env = Env::new();
    let gh = serve_requests(|_| Reply::Status(503));
    let r = repo(
        &env,
        &format!(
            "[analyzers.history.forge]\nbase_url = \"{}\"\nrepository = \"o/hist\"\ncache = \".cache\"\nmax_retries = 1\nmax_wait_secs = 1\n",
            gh.base
        ),
    );
    let (code, doc, err) = history(&env, &r, &[]);
    assert_eq!(code, 0, "{err}");
    let partial = doc["partial"].as_array().unwrap();
    assert!(
        partial
            .iter()
            .any(|p| p.as_str().unwrap().contains("forge stopped answering")),
        "{doc}"
    );
    assert_eq!(doc["history"]["review"]["developed"]["unknown"], 3);

    // Rate-limited once with Retry-After: 1, then answering: sef waits and
    // goes on.
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let c2 = calls.clone();
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let inner = github(seen);
    let inner_base = inner.base.clone();
    let limited = serve_requests(move |req| {
        if c2.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            return Reply::Full {
                status: 429,
                headers: vec![("Retry-After".into(), "1".into())],
                body: Vec::new(),
            };
        }
        // Relay to the answering mock.
        let out = ureq_get(&format!("{inner_base}{}", req.path));
        Reply::Body(out)
    });
    let plan = std::fs::read_to_string(r.join("sef.toml")).unwrap();
    let plan = plan
        .replace(&gh.base, &limited.base)
        .replace(".cache", ".cache2");
    write(&r, "sef.toml", &plan);
    let (code, doc, err) = history(&env, &r, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(doc["partial"].as_array().unwrap().is_empty(), "{doc}");
    assert_eq!(doc["history"]["review"]["developed"]["reviewed"], 3);

    // A wait longer than max_wait_secs: partial, immediately.
    let long = serve_requests(|_| Reply::Full {
        status: 403,
        headers: vec![
            ("x-ratelimit-remaining".into(), "0".into()),
            ("Retry-After".into(), "3600".into()),
        ],
        body: Vec::new(),
    });
    write(
        &r,
        "sef.toml",
        &plan
            .replace(&limited.base, &long.base)
            .replace(".cache2", ".cache3"),
    );
    let t = std::time::Instant::now();
    let (code, doc, _) = history(&env, &r, &[]);
    assert_eq!(code, 0);
    assert!(t.elapsed() < std::time::Duration::from_secs(30));
    assert!(
        doc["partial"][0].as_str().unwrap().contains("rate-limited"),
        "{doc}"
    );
}

/// A blocking GET for the relay above (plain TCP; the mock speaks HTTP/1.1).
fn ureq_get(url: &str) -> Vec<u8> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(
        s,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let at = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    buf[at + 4..].to_vec()
}

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        || Command::new(program).arg("-h").output().is_ok()
}

#[test]
fn ssh_signed_commits_are_verified_and_tampering_fails() {
    assert!(
        have("ssh-keygen"),
        "ssh-keygen is needed (.ci/run installs openssh-client)"
    );
    let env = Env::new();
    let r = repo(&env, "allowed_signers = \"security/allowed_signers\"\n");
    let keys = env.repo("keys");
    for name in ["ana", "mallory"] {
        let st = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
            .arg(keys.join(name))
            .status()
            .unwrap();
        assert!(st.success());
    }
    let ana_pub = std::fs::read_to_string(keys.join("ana.pub")).unwrap();
    write(
        &r,
        "security/allowed_signers",
        &format!("ana@x.org namespaces=\"git\" {ana_pub}"),
    );
    let sign_as = |key: &str, file: &str, msg: &str| {
        write(&r, file, msg);
        git_as(&r, ANA, &[], &["add", "-A"]);
        let k = keys.join(key);
        git_as(
            &r,
            ANA,
            &[
                ("gpg.format", "ssh"),
                ("user.signingkey", k.to_str().unwrap()),
            ],
            &["commit", "-q", "-S", "-m", msg],
        );
    };
    sign_as("ana", "src/s1.rs", "signed by ana");
    sign_as("mallory", "src/s2.rs", "signed by an unknown key");
    let (code, doc, err) = history(&env, &r, &["--commits", "--allow-outside-repo"]);
    assert_eq!(code, 0, "{err}");
    let s = &doc["history"]["signatures"];
    assert_eq!(s["verified"], 1, "{s}");
    assert_eq!(s["unknown_key"], 1, "{s}");
    assert_eq!(s["invalid"], 0);
    let commits = doc["commits"].as_array().unwrap();
    let good = commits
        .iter()
        .find(|c| c["subject"] == "signed by ana")
        .unwrap();
    assert_eq!(good["signature"]["signer"], "ana@x.org");

    // Tamper: change the message of the signed commit, keep its signature.
    git_as(&r, ANA, &[], &["reset", "-q", "--hard", "HEAD~1"]);
    let raw = git_as(&r, ANA, &[], &["cat-file", "commit", "HEAD"]);
    let forged = raw.replace("signed by ana", "signed by ana, and harmless") + "\n";
    let obj = r.join("forged.txt");
    std::fs::write(&obj, forged).unwrap();
    let id = git_as(
        &r,
        ANA,
        &[],
        &["hash-object", "-t", "commit", "-w", "forged.txt"],
    );
    std::fs::remove_file(&obj).unwrap();
    git_as(&r, ANA, &[], &["reset", "-q", "--hard", &id]);
    let (code, doc, _) = history(&env, &r, &[]);
    assert_eq!(code, 1, "a tampered commit must fail: {doc}");
    assert_eq!(doc["history"]["signatures"]["invalid"], 1);
    let out = env
        .sef()
        .current_dir(&r)
        .args(["assess", "--format", "json", "--no-store"])
        .output()
        .unwrap();
    let report = json(&out.stdout);
    let findings = report["run"]["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["rule_id"] == "commit/signature-invalid"),
        "{findings:?}"
    );
    assert_eq!(out.status.code(), Some(1));
    let high = report["run"]["gate"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "develop.no-open-high-findings")
        .unwrap();
    assert_eq!(high["outcome"], "fail", "{high}");
}

#[test]
fn openpgp_signed_commits_are_verified_with_gpg() {
    assert!(have("gpg"), "gpg is needed (.ci/run installs gnupg)");
    let env = Env::new();
    // the key ring lives outside the repository: the user allows it
    let r = repo(&env, "gpg_home = \"../gnupg\"\n");
    let home = env.repo("gnupg");
    let gpg = |args: &[&str]| {
        let out = Command::new("gpg")
            .env("GNUPGHOME", &home)
            .args(["--batch", "--pinentry-mode", "loopback", "--passphrase", ""])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "gpg {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    gpg(&[
        "--quick-gen-key",
        "Ana <ana@x.org>",
        "ed25519",
        "sign",
        "never",
    ]);
    let listing = gpg(&["--with-colons", "--list-secret-keys"]);
    let fpr = listing
        .lines()
        .find(|l| l.starts_with("fpr:"))
        .and_then(|l| l.split(':').nth(9))
        .unwrap()
        .to_owned();
    write(&r, "src/g.rs", "gpg\n");
    git_as(&r, ANA, &[], &["add", "-A"]);
    let out = Command::new("git")
        .current_dir(&r)
        .env("GNUPGHOME", &home)
        .env("GIT_AUTHOR_NAME", "Ana")
        .env("GIT_AUTHOR_EMAIL", "ana@x.org")
        .env("GIT_COMMITTER_NAME", "Ana")
        .env("GIT_COMMITTER_EMAIL", "ana@x.org")
        .args([
            "-c",
            &format!("user.signingkey={fpr}"),
            "commit",
            "-q",
            "-S",
            "-m",
            "gpg signed",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, doc, err) = history(&env, &r, &["--commits", "--allow-outside-repo"]);
    assert_eq!(code, 0, "{err}");
    let c = doc["commits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["subject"] == "gpg signed")
        .unwrap()
        .clone();
    assert_eq!(c["signature"]["state"], "verified", "{c}");
    assert_eq!(c["signature"]["format"], "openpgp");
    // Without the keyring the key is unknown, not verified.
    let plan = std::fs::read_to_string(r.join("sef.toml")).unwrap();
    write(&r, "sef.toml", &plan.replace("../gnupg", "../empty-gnupg"));
    std::fs::create_dir_all(r.join("../empty-gnupg")).unwrap();
    let (_, doc, _) = history(&env, &r, &["--allow-outside-repo"]);
    assert_eq!(doc["history"]["signatures"]["verified"], 0);
    assert_eq!(doc["history"]["signatures"]["unknown_key"], 1, "{doc}");
}

#[test]
fn shallow_clones_and_non_repositories_are_reported() {
    let env = Env::new();
    let r = repo(&env, "");
    let clone = env.dir.path().join("shallow");
    let out = Command::new("git")
        .args(["clone", "-q", "--depth", "2"])
        .arg(format!("file://{}", r.display()))
        .arg(&clone)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, doc, err) = history(&env, &clone, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        doc["partial"][0]
            .as_str()
            .unwrap()
            .contains("shallow clone"),
        "{doc}"
    );
    assert_eq!(doc["history"]["range"]["shallow"], true);
    // Not a repository: history says so; assess leaves history out.
    let plain = env.repo("plain");
    write(&plain, "sef.toml", "[offering]\nname = \"p\"\n");
    let out = env
        .sef()
        .current_dir(&plain)
        .args(["history"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a git repository"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn octopus_merges_non_utf8_names_and_corrupt_objects() {
    let env = Env::new();
    let r = env.repo("odd");
    git_as(&r, ANA, &[], &["init", "-q"]);
    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"odd\"\n[analyzers.history]\n",
    );
    commit(&r, ANA, "a.txt", "base");
    for b in ["b1", "b2", "b3"] {
        git_as(&r, ANA, &[], &["checkout", "-q", "-b", b, "main"]);
        commit(&r, CARL, &format!("{b}.txt"), &format!("work on {b}"));
    }
    git_as(&r, ANA, &[], &["checkout", "-q", "main"]);
    git_as(
        &r,
        ANA,
        &[],
        &["merge", "-q", "--no-ff", "b1", "b2", "b3", "-m", "octopus"],
    );
    // A Latin-1 author name: not UTF-8.
    write(&r, "n.txt", "n\n");
    git_as(&r, ANA, &[], &["add", "-A"]);
    let out = Command::new("git")
        .current_dir(&r)
        .args([
            "-c",
            "i18n.commitEncoding=ISO-8859-1",
            "commit",
            "-q",
            "-m",
            "latin",
        ])
        .env("GIT_AUTHOR_NAME", std::ffi::OsStr::new(latin1_name()))
        .env("GIT_AUTHOR_EMAIL", "jose@x.org")
        .env("GIT_COMMITTER_NAME", "Ana")
        .env("GIT_COMMITTER_EMAIL", "ana@x.org")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, doc, err) = history(&env, &r, &["--commits", "--allow-outside-repo"]);
    assert_eq!(code, 0, "{err}");
    let commits = doc["commits"].as_array().unwrap();
    for b in ["b1", "b2", "b3"] {
        let c = commits
            .iter()
            .find(|c| c["subject"] == format!("work on {b}"))
            .unwrap();
        assert_eq!(c["entry"]["kind"], "merge", "{c}");
    }
    assert!(commits.iter().any(|c| c["author"]["email"] == "jose@x.org"));

    // A detached HEAD: a note, and the range ends there.
    git_as(&r, ANA, &[], &["checkout", "-q", "--detach", "HEAD~1"]);
    let (code, doc, _) = history(&env, &r, &[]);
    assert_eq!(code, 0);
    assert!(
        doc["notes"][0].as_str().unwrap().contains("detached"),
        "{doc}"
    );
    assert_eq!(doc["history"]["range"]["detached"], true);
    git_as(&r, ANA, &[], &["checkout", "-q", "main"]);

    // Remove the object of a commit in the middle: a clear failure, not a panic.
    let victim = git_as(&r, ANA, &[], &["rev-parse", "b2"]);
    let obj = r.join(".git/objects").join(&victim[..2]).join(&victim[2..]);
    std::fs::remove_file(&obj).unwrap();
    let out = env
        .sef()
        .current_dir(&r)
        .args(["history"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("history"), "{}", stderr(&out));
    let out = env
        .sef()
        .current_dir(&r)
        .args(["assess", "--format", "json", "--no-store"])
        .output()
        .unwrap();
    let report = json(&out.stdout);
    assert_eq!(evidence_of(&report, "history")["status"]["state"], "failed");
}

/// "José" in ISO-8859-1, as an OS string (Unix: arbitrary bytes).
fn latin1_name() -> &'static std::ffi::OsStr {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::OsStr::from_bytes(b"Jos\xe9")
}

#[test]
fn a_range_past_max_commits_is_partial_and_says_what_is_not_known() {
    let env = Env::new();
    let r = repo(&env, "max_commits = 2\n");
    // No tag: the range is the whole history, cut at two commits.
    git_as(&r, ANA, &[], &["tag", "-d", "v1.0.0"]);
    let (code, doc, err) = history(&env, &r, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(doc["history"]["range"]["commits"], 2);
    assert_eq!(doc["history"]["range"]["truncated"], true);
    assert!(
        doc["partial"][0].as_str().unwrap().contains("max_commits"),
        "{doc}"
    );
    // Who is new cannot be known from a truncated range.
    assert!(doc["history"]["contributors"]["new"].is_null(), "{doc}");
}
