#!/usr/bin/env bash
# Benchmark: SARIF ingestion. Generates a 100,000-result SARIF log over
# 2,000 source files (bench/gen_sarif.py), then times `sef ingest sarif`
# into a fresh SQLite store and again into the same store (re-ingestion),
# five runs each, with the peak resident memory.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/sef-ci-target}"
work="${SEF_BENCH_DIR:-/tmp/sef-bench-sarif}"
n="${1:-100000}"
rm -rf "$work" && mkdir -p "$work"
python3 bench/gen_sarif.py "$n" "$work/repo"
cargo build --release -q -p sef-cli
sef="$CARGO_TARGET_DIR/release/sef"
echo "SARIF: $(du -h "$work/repo/big.sarif" | cut -f1), $n results"
for label in first re-ingest re-ingest re-ingest re-ingest; do
    if [ "$label" = first ]; then rm -f "$work/store.db"*; fi
    # exit code 1 is the gate failing on the (many, high) findings
    /usr/bin/time -f "$label: %e s wall, %M KB peak RSS" \
        "$sef" ingest sarif "$work/repo/big.sarif" --repo "$work/repo" \
        --db "$work/store.db" -q -f json -o "$work/report.json" || [ $? -eq 1 ]
done
python3 - "$work/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("findings stored:", len(r["run"]["findings"]))
PY
