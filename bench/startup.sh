#!/usr/bin/env bash
# Benchmark: the fixed cost of a run. `sef assess --no-store` and `sef
# vulns` on an empty directory, on a directory holding one small
# Cargo.lock (one crate) and on one holding the real 1,000-crate lockfile
# of bench/data, with the three real OSV exports imported. Prints the
# median of 10 runs (hyperfine) and the peak resident set of each, and
# cargo-audit's on the same 1,000-crate lockfile and RustSec snapshot.
#
# Needs: hyperfine (apt-get install hyperfine); cargo-audit for the last
# line (cargo install cargo-audit --locked).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/sef-ci-target}"
work="${SEF_BENCH_DIR:-/tmp/sef-bench-startup}"
shared="$(cd ../shared/data && pwd)"
rm -rf "$work" && mkdir -p "$work/empty" "$work/small" "$work/one" "$work/rustsec"
cargo build --release -q -p sef-cli
sef="$CARGO_TARGET_DIR/release/sef"
"$sef" db import -q "$shared/osv/crates.io/all.zip" "$shared/osv/PyPI/all.zip" \
    "$shared/osv/Go/all.zip" --advisory-db "$work/advdb"
export SEF_ADVISORY_DB="$work/advdb"
printf 'version = 3\n\n[[package]]\nname = "serde"\nversion = "1.0.210"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n' \
    > "$work/small/Cargo.lock"
cp bench/data/real-1000-Cargo.lock "$work/one/Cargo.lock"
tar -xzf "$shared/rustsec-advisory-db.tar.gz" -C "$work/rustsec"

cmds=()
for d in empty small one; do
    cmds+=(-n "sef assess ($d)" "$sef assess $work/$d --no-store -q -f json -o $work/out.json")
done
for d in empty small one; do
    cmds+=(-n "sef vulns ($d)" "$sef vulns $work/$d -q -f json -o $work/out.json")
done
if command -v cargo-audit >/dev/null; then
    cmds+=(-n "cargo audit (one)" "cargo audit --db $work/rustsec/rustsec-db --no-fetch --stale --json -f $work/one/Cargo.lock")
fi
hyperfine --warmup 3 --runs 10 -N -i --export-json "$work/startup.json" "${cmds[@]}" > /dev/null
python3 - "$work/startup.json" <<'PY'
import json, sys
print(f"{'command':<24} {'median ms':>9} {'mean ms':>8} {'min ms':>7}")
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']:<24} {r['median']*1000:9.1f} {r['mean']*1000:8.1f} {r['min']*1000:7.1f}")
PY
for i in "${!cmds[@]}"; do
    [ "${cmds[$i]}" = -n ] || continue
    name="${cmds[$((i + 1))]}"
    cmd="${cmds[$((i + 2))]}"
    /usr/bin/time -f "%M" $cmd > /dev/null 2> "$work/time.txt" || true
    printf '%-24s %6s KB peak RSS\n' "$name" "$(tail -1 "$work/time.txt")"
done
