#!/usr/bin/env bash
# Benchmark: hostile inputs (issue 16). Same inputs, same run, gitleaks
# beside sef (from $PEERS, default /tmp/peers/bin; BENCHMARKS.md says how
# it was installed).
#  1. 80,000 GitHub-token-shaped strings on ONE 3.3 MB line, and the same
#     tokens one per line: sef secrets scan vs gitleaks dir.
#  2. The run boundary (redaction, 16 KiB caps, control characters) on a
#     real repository: its share of `sef assess` (from sef's -v log).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/sef-ci-target}"
peers="${PEERS:-/tmp/peers/bin}"
work="${SEF_BENCH_DIR:-/tmp/sef-bench-hostile}"
repo="${REPO:-$PWD}"
rm -rf "$work" && mkdir -p "$work/one" "$work/many"
cargo build --release -q -p sef-cli
sef="$CARGO_TARGET_DIR/release/sef"
python3 - "$work" <<'PY'
import random, sys
random.seed(16)
alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
toks = ["ghp_" + "".join(random.choice(alnum) for _ in range(36)) for _ in range(80000)]
open(sys.argv[1] + "/one/tokens.txt", "w").write(" ".join(toks) + "\n")
open(sys.argv[1] + "/many/tokens.txt", "w").write("\n".join(toks) + "\n")
PY
t() { # label, command...
    local label=$1; shift
    local s e
    s=$(date +%s.%N); "$@" > /dev/null 2>&1 || true; e=$(date +%s.%N)
    printf '%-34s %6.2f s\n' "$label" "$(echo "$e - $s" | bc)"
}
echo "== 1. 80,000 tokens (found: sef one line $("$sef" secrets scan "$work/one" -q -f json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["secrets"]))'))"
for i in 1 2 3; do
    t "sef, one line" "$sef" secrets scan "$work/one" -q -f json
    t "sef, one per line" "$sef" secrets scan "$work/many" -q -f json
    t "gitleaks, one line" "$peers/gitleaks" dir "$work/one" --no-banner --exit-code 0 -l error --report-path "$work/gl1.json"
    t "gitleaks, one per line" "$peers/gitleaks" dir "$work/many" --no-banner --exit-code 0 -l error --report-path "$work/gl2.json"
done
echo "gitleaks found: one line $(python3 -c "import json; print(len(json.load(open('$work/gl1.json'))))"), one per line $(python3 -c "import json; print(len(json.load(open('$work/gl2.json'))))")"
echo "== 2. the run boundary on $repo"
for i in 1 2 3; do
    s=$(date +%s.%N)
    SEF_LOG=info "$sef" assess "$repo" --no-store -q -f json -o "$work/run.json" 2> "$work/log.txt" || true
    e=$(date +%s.%N)
    printf 'assess %6.2f s; boundary: %s\n' "$(echo "$e - $s" | bc)" "$(grep -o 'elapsed_ms=[0-9.]*' "$work/log.txt")"
done
