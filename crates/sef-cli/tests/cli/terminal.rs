//! On a real terminal (a pseudo-terminal from util-linux `script`), text
//! reports fit `COLUMNS`; in a pipe the same report keeps every value whole.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;

fn plan() -> &'static str {
    "[offering]\nname = \"app\"\n[release]\nversion = \"1.0\"\n[analyzers.vulnerabilities]\nenabled = false\n"
}

/// What `sef ARGS` prints on a terminal `cols` wide, without styles.
fn on_terminal(env: &Env, cols: usize, args: &[&str]) -> String {
    let sef = assert_cmd::cargo::cargo_bin!("sef");
    let line = std::iter::once(sef.to_str().unwrap())
        .chain(args.iter().copied())
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let c = env.sef_std();
    let out = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .envs(c.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env("COLUMNS", cols.to_string())
        .output()
        .expect("util-linux `script` runs (.ci/run installs bsdutils)");
    let text = String::from_utf8(out.stdout).unwrap().replace('\r', "");
    anstream::adapter::strip_str(&text).to_string()
}

#[test]
fn reports_fit_the_terminal_and_pipes_keep_every_value() {
    let env = Env::new();
    let r = env.repo("app");
    copy_fixture("sarif-repo", &r);
    write(&r, "sef.toml", plan());
    let repo = r.to_str().unwrap();

    let piped = env.sef().args(["assess", repo, "-q"]).output().unwrap();
    let piped = String::from_utf8(piped.stdout).unwrap();
    let widest = piped.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest > 100, "the report has long lines to fit: {widest}");

    for cols in [60, 80, 100] {
        let shown = on_terminal(&env, cols, &["assess", repo, "-q", "--no-store"]);
        assert!(shown.contains("Verdict"), "{shown}");
        for l in shown.lines() {
            assert!(l.chars().count() <= cols, "{cols} columns: {l:?}");
        }
    }
}
