#!/usr/bin/env bash
# Benchmark: known-vulnerability matching end to end, side by side with
# cargo-audit on the same 1,000-crate Cargo.lock (bench/gen_audit_lock.py:
# every crate RustSec has advisories for, plus filler) and the same RustSec
# snapshot (../shared/data/rustsec-advisory-db.tar.gz for cargo-audit, its
# OSV export ../shared/data/osv/crates.io/all.zip for sef). Also times the
# import of the three real OSV exports.
#
# Needs: hyperfine (apt-get install hyperfine), cargo-audit
# (cargo install cargo-audit --version 0.22.2 --locked).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/sef-ci-target}"
work="${SEF_BENCH_DIR:-/tmp/sef-bench-vulns}"
shared="$(cd ../shared/data && pwd)"
rm -rf "$work" && mkdir -p "$work/rustsec"
tar -xzf "$shared/rustsec-advisory-db.tar.gz" -C "$work/rustsec"
python3 bench/gen_audit_lock.py "$work/rustsec/rustsec-db" "$work/repo" 1000
cargo build --release -q -p sef-cli
sef="$CARGO_TARGET_DIR/release/sef"

hyperfine --warmup 1 --runs 10 -N \
    -n "sef db import (crates.io, PyPI, Go)" \
    --prepare "rm -rf $work/advdb-all" \
    "$sef db import -q $shared/osv/crates.io/all.zip $shared/osv/PyPI/all.zip $shared/osv/Go/all.zip --advisory-db $work/advdb-all"

"$sef" db import -q "$shared/osv/crates.io/all.zip" --advisory-db "$work/advdb"
hyperfine --warmup 3 --runs 40 -N -i --export-markdown "$work/vulns.md" \
    -n "sef assess (vulnerabilities, JSON)" \
    "$sef assess $work/repo --no-store --format json -q -o $work/sef.json --advisory-db $work/advdb" \
    -n "cargo audit --json" \
    "cargo audit --db $work/rustsec/rustsec-db --no-fetch --stale --json -f $work/repo/Cargo.lock"

# A realistic 1,000-package lockfile: real crates at real versions, the
# union of the lockfiles shipped in the crates sef and cargo-audit build
# from (bench/gen_real_lock.py; kept in bench/data so every machine measures
# the same file).
mkdir -p "$work/real"
cp bench/data/real-1000-Cargo.lock "$work/real/Cargo.lock"
sed 's/audit-bench/audit-bench-real/' "$work/repo/sef.toml" > "$work/real/sef.toml"
hyperfine --warmup 3 --runs 40 -N -i --export-markdown "$work/vulns-real.md" \
    -n "sef vulns (real 1,000 packages)" \
    "$sef vulns $work/real --format json -q -o $work/sef-vulns-real.json --advisory-db $work/advdb --fail-on never --allow-partial" \
    -n "sef assess (real 1,000 packages)" \
    "$sef assess $work/real --no-store --format json -q -o $work/sef-real.json --advisory-db $work/advdb" \
    -n "cargo audit --json (real 1,000 packages)" \
    "cargo audit --db $work/rustsec/rustsec-db --no-fetch --stale --json -f $work/real/Cargo.lock"
# Peak memory (resident set) of each, same input.
for cmd in "$sef vulns $work/real --format json -q -o $work/sef-vulns-real.json --advisory-db $work/advdb --fail-on never --allow-partial" \
    "cargo audit --db $work/rustsec/rustsec-db --no-fetch --stale --json -f $work/real/Cargo.lock"; do
    /usr/bin/time -f "%M KB peak RSS: ${cmd%% *} ${cmd#* }" $cmd > /dev/null 2> "$work/time.txt" || true
    tail -1 "$work/time.txt" | cut -c1-120
done

# The same advisories? (ids cargo-audit reports that sef does not report as
# an id or an alias of a finding)
for case in repo real; do
cargo audit --db "$work/rustsec/rustsec-db" --no-fetch --stale --json -f "$work/$case/Cargo.lock" > "$work/audit-$case.json" 2>/dev/null || true
out="$work/sef.json"; [ "$case" = real ] && out="$work/sef-real.json"
python3 bench/compare_audit.py "$work/audit-$case.json" "$out"
done
