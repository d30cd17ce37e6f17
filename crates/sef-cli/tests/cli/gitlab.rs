//! GitLab merge-request approvals (issue 18) through a local mock of the
//! REST API v4, built from GitLab's documented responses
//! (`GET /projects/:id/repository/commits/:sha/merge_requests`,
//! `GET /projects/:id/merge_requests/:iid`,
//! `GET /projects/:id/merge_requests/:iid/approvals`): a self-managed base
//! URL, a project in a subgroup, the token sent only where the user
//! allows, the cache reused, and `(#3)` read as an issue, not a merge
//! request.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use sef_testkit::http::{Reply, serve_requests};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

fn git(root: &Path, who: (&str, &str), args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(root)
        .env_remove("GIT_DIR")
        .env("GIT_AUTHOR_NAME", who.0)
        .env("GIT_AUTHOR_EMAIL", who.1)
        .env("GIT_COMMITTER_NAME", who.0)
        .env("GIT_COMMITTER_EMAIL", who.1)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

const ANA: (&str, &str) = ("Ana", "ana@x.org");
const CARL: (&str, &str) = ("Carl", "carl@y.org");

fn commit(r: &Path, who: (&str, &str), file: &str, msg: &str) -> String {
    write(r, file, &format!("{msg}\n"));
    git(r, who, &["add", "-A"]);
    git(r, who, &["commit", "-q", "-m", msg]);
    git(r, who, &["rev-parse", "HEAD"])
}

#[test]
fn gitlab_merge_request_approvals_decide_review() {
    let env = Env::new();
    let r = env.repo("hist");
    git(&r, ANA, &["init", "-q"]);
    // ana pushes straight to main
    commit(&r, ANA, "src/a.rs", "init");
    // carl's branch, merged as GitLab writes it, approved by bo
    git(&r, ANA, &["checkout", "-q", "-b", "feature"]);
    commit(&r, CARL, "src/c.rs", "Carl's feature");
    git(&r, ANA, &["checkout", "-q", "main"]);
    git(
        &r,
        ANA,
        &[
            "merge",
            "-q",
            "--no-ff",
            "feature",
            "-m",
            "Merge branch 'feature' into 'main'\n\nCarl's feature\n\nSee merge request grp/sub/hist!7",
        ],
    );
    let merge = git(&r, ANA, &["rev-parse", "HEAD"]);
    // a subject naming issue #3: on GitLab that is not merge request 3
    commit(&r, ANA, "src/d.rs", "Fix the thing (#3)");

    let paths = Arc::new(Mutex::new(Vec::<String>::new()));
    let token_seen = Arc::new(Mutex::new(false));
    let (p2, t2, m2) = (paths.clone(), token_seen.clone(), merge.clone());
    let gl = serve_requests(move |req| {
        p2.lock().unwrap().push(req.path.clone());
        if req.header("private-token") == Some("glpat-t0ken") {
            *t2.lock().unwrap() = true;
        }
        let p = req.path.as_str();
        let project = "/api/v4/projects/grp%2Fsub%2Fhist";
        let Some(rest) = p.strip_prefix(project) else {
            return Reply::Status(404);
        };
        let body = if rest == format!("/repository/commits/{m2}/merge_requests") {
            r#"[{"id":101,"iid":7,"project_id":3,"title":"Carl's feature","state":"merged","merged_at":"2026-11-01T10:00:00.000Z","author":{"id":2,"username":"carl","name":"Carl"}}]"#
        } else if rest.starts_with("/repository/commits/") {
            "[]"
        } else if rest == "/merge_requests/7" {
            r#"{"id":101,"iid":7,"project_id":3,"title":"Carl's feature","state":"merged","merged_at":"2026-11-01T10:00:00.000Z","author":{"id":2,"username":"carl","name":"Carl"}}"#
        } else if rest == "/merge_requests/7/approvals" {
            r#"{"id":101,"iid":7,"project_id":3,"approved":true,"approvals_required":1,"approvals_left":0,"approved_by":[{"user":{"id":2,"username":"carl","name":"Carl"}},{"user":{"id":4,"username":"bo","name":"Bo"}}]}"#
        } else {
            return Reply::Status(404);
        };
        Reply::Body(body.as_bytes().to_vec())
    });
    write(
        &r,
        "sef.toml",
        &format!(
            "[offering]\nname = \"hist\"\n[analyzers.vulnerabilities]\nenabled = false\n[analyzers.history.forge]\nkind = \"gitlab\"\nbase_url = \"{}/api/v4\"\nrepository = \"grp/sub/hist\"\ncache = \".cache\"\n",
            gl.base
        ),
    );
    let run = |extra: &[&str]| {
        let out = env
            .sef()
            .current_dir(&r)
            .env("GITLAB_TOKEN", "glpat-t0ken")
            .args(["history", "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        json(&out.stdout)
    };
    // the repository named the host; the token stays home
    let doc = run(&[]);
    assert!(
        !*token_seen.lock().unwrap(),
        "the token went to a host sef.toml chose"
    );
    let dev = &doc["history"]["review"]["developed"];
    // carl's commit reviewed by bo (carl's own approval does not count);
    // init and "Fix the thing (#3)" not reviewed
    assert_eq!(dev["reviewed"], 1, "{dev}");
    assert_eq!(dev["not_reviewed"], 2, "{dev}");
    assert_eq!(dev["unknown"], 0, "{dev}");
    assert!(
        !paths
            .lock()
            .unwrap()
            .iter()
            .any(|p| p.ends_with("/merge_requests/3")),
        "(#3) was read as a merge request"
    );
    // the user allows the host: the token goes, as PRIVATE-TOKEN
    std::fs::remove_dir_all(r.join(".cache")).ok();
    let host = gl.base.trim_start_matches("http://").to_owned();
    let doc = run(&["--forge-token-host", &host]);
    assert!(*token_seen.lock().unwrap(), "the token was not sent");
    assert_eq!(doc["history"]["review"]["developed"]["reviewed"], 1);
    // the merged merge request comes from the cache the next time
    let before = gl.hits();
    let doc = run(&[]);
    assert_eq!(doc["history"]["review"]["developed"]["reviewed"], 1);
    let asked_again = paths
        .lock()
        .unwrap()
        .iter()
        .skip(before)
        .filter(|p| p.contains("/merge_requests/7"))
        .count();
    assert_eq!(asked_again, 0, "the cache was not used");
}

#[test]
fn a_rate_limiting_gitlab_gives_partial_evidence() {
    let env = Env::new();
    let r = env.repo("rl");
    git(&r, ANA, &["init", "-q"]);
    commit(&r, ANA, "a.txt", "one");
    // GitLab answers 429 with RateLimit-* headers and Retry-After
    let gl = serve_requests(|_| Reply::Status(429));
    write(
        &r,
        "sef.toml",
        &format!(
            "[offering]\nname = \"rl\"\n[analyzers.vulnerabilities]\nenabled = false\n[analyzers.history.forge]\nkind = \"gitlab\"\nbase_url = \"{}/api/v4\"\nrepository = \"grp/rl\"\nmax_retries = 1\nmax_wait_secs = 1\n",
            gl.base
        ),
    );
    let out = env
        .sef()
        .current_dir(&r)
        .args(["assess", "--format", "json", "--no-store"])
        .output()
        .unwrap();
    let report = json(&out.stdout);
    let ev = evidence_of(&report, "history");
    assert_eq!(ev["status"]["state"], "partial", "{ev}");
    assert!(
        ev["status"]["reason"]
            .as_str()
            .unwrap()
            .contains("rate-limited"),
        "{ev}"
    );
    assert!(gl.hits() >= 2, "no retry: {}", gl.hits());
}

#[test]
fn a_gitlab_project_path_must_have_a_group() {
    let env = Env::new();
    let r = env.repo("bad");
    git(&r, ANA, &["init", "-q"]);
    commit(&r, ANA, "a.txt", "one");
    write(
        &r,
        "sef.toml",
        "[offering]\nname = \"bad\"\n[analyzers.history.forge]\nkind = \"gitlab\"\nrepository = \"justname\"\n",
    );
    let out = env
        .sef()
        .current_dir(&r)
        .args(["history"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("group/name"), "{}", stderr(&out));
}
