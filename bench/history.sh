#!/usr/bin/env bash
# Benchmark: git history mining (issue 8).
#  1. 20,000 commits with trailers, touched paths, merges and tags
#     (bench/gen_history.py through git fast-import): `sef history` over the
#     whole history beside `git log` printing the same facts (authors,
#     committers, parents, trailers, touched paths), the floor.
#  2. 20,000 SSH-signed commits (bench/gen_signed_history.py, needs the
#     Python `cryptography` package), 15,000 by allowed signers: `sef
#     history` verifying every signature beside `git log --format=%G?`
#     (which runs ssh-keygen once per commit) on the newest 1,000 commits.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/sef-ci-target}"
work="${SEF_BENCH_DIR:-/tmp/sef-bench-history}"
n="${1:-20000}"
rm -rf "$work" && mkdir -p "$work"
python3 bench/gen_history.py "$n" "$work/repo"
python3 bench/gen_signed_history.py "$n" "$work/signed"
printf '[offering]\nname = "signed"\n[analyzers.history]\nallowed_signers = "security/allowed_signers"\n' > "$work/signed/sef.toml"
cargo build --release -q -p sef-cli
sef="$CARGO_TARGET_DIR/release/sef"
cd "$work/repo"
for i in 1 2 3; do
    /usr/bin/time -f "sef history, $n commits: %e s, %M KB" \
        "$sef" history --since 1970-01-01 -q -f json -o "$work/out.json"
    /usr/bin/time -f "git log (floor), $n commits: %e s, %M KB" sh -c \
        "git log --format='%H %an <%ae> %cn <%ce> %at %P%n%(trailers:only,unfold)' --name-only --no-renames | wc -l >/dev/null"
done
cd "$work/signed"
for i in 1 2 3; do
    /usr/bin/time -f "sef history, $n signed commits verified: %e s, %M KB" \
        "$sef" history --since 1970-01-01 -q -f json -o "$work/signed.json"
done
/usr/bin/time -f "git log --format=%%G?, newest 1000 commits: %e s" sh -c \
    "git -c gpg.ssh.allowedSignersFile=security/allowed_signers log -n 1000 --format=%G? | sort | uniq -c"
python3 - "$work/signed.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["history"]["signatures"]
print("sef: verified", s["verified"], "unknown key", s["unknown_key"], "invalid", s["invalid"])
PY
