#!/usr/bin/env bash
# Benchmark: `sef vulns` beside cargo-audit on real lockfiles, each the
# Cargo.lock of a real repository fetched beforehand (nothing fetched is
# committed), plus bench/data/real-1000-Cargo.lock. Same RustSec snapshot
# for both: ../shared/data/rustsec-advisory-db.tar.gz for cargo-audit, its
# OSV export ../shared/data/osv/crates.io/all.zip for sef. Prints hyperfine's
# times and ratio, the median peak RSS of three runs each, and which
# advisories cargo-audit reports that sef does not (an id or an alias of a
# finding).
#
# Usage: bench/vulns-real.sh [SEF_BINARY] DIR...   (each DIR holds Cargo.lock)
# Needs: hyperfine (apt-get install hyperfine), cargo-audit 0.22.2
# (cargo install cargo-audit --version 0.22.2 --locked).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sef=${1:?usage: bench/vulns-real.sh SEF_BINARY DIR...}
shift
shared=$(cd "$here/../../shared/data" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/rustsec" "$work/synthetic"
tar -xzf "$shared/rustsec-advisory-db.tar.gz" -C "$work/rustsec"
"$sef" db import -q "$shared/osv/crates.io/all.zip" --advisory-db "$work/advdb"
cp "$here/data/real-1000-Cargo.lock" "$work/synthetic/Cargo.lock"

for dir in "$work/synthetic" "$@"; do
    lock="$dir/Cargo.lock"
    [ -f "$lock" ] || { echo "$lock: no Cargo.lock there" >&2; exit 2; }
    echo "== $dir: $(grep -c '^\[\[package\]\]' "$lock") packages"
    s="$sef vulns $dir --format json -q -o $work/sef.json --advisory-db $work/advdb --fail-on never --allow-partial"
    a="cargo-audit audit --db $work/rustsec/rustsec-db --no-fetch --stale --json -f $lock"
    hyperfine -N -w 3 -r 30 -i -n "sef vulns" "$s" -n "cargo audit" "$a" | grep -E "Time \(|Range|times faster"
    for c in "$s" "$a"; do
        printf '%s peak RSS (median of 3): ' "${c%% *}"
        # cargo audit exits 1 when it finds something: the time is what counts
        for _ in 1 2 3; do { /usr/bin/time -f "%M" $c 2>&1 >/dev/null || true; } | tail -1; done | sort -n | sed -n 2p | tr -d '\n'
        echo " KB"
    done
    $s
    $a >"$work/audit.json" 2>/dev/null || true
    python3 "$here/compare_audit.py" "$work/audit.json" "$work/sef.json"
done
