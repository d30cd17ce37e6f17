#!/usr/bin/env bash
# Benchmark: secret detection (issue 9). Peers side by side, same inputs,
# same run: gitleaks, trivy (fs --scanners secret) and detect-secrets, from
# $PEERS (default /tmp/peers/bin; see BENCHMARKS.md for how they were
# installed).
#  1. Accuracy on the labelled corpus (bench/gen_secrets_corpus.py: each
#     built-in rule's made-up credential planted once, plus look-alikes),
#     scored by bench/score_secrets.py: precision and recall.
#  2. A real ~23 MB source tree (the first crates of the local cargo
#     registry): time and findings of all four tools.
#  3. The whole local cargo registry (~380 MB, 20,000 files): time, CPU
#     time and throughput of sef, gitleaks and trivy.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/sef-ci-target}"
peers="${PEERS:-/tmp/peers/bin}"
work="${SEF_BENCH_DIR:-/tmp/sef-bench-secrets}"
registry="${REGISTRY:-$(ls -d "$HOME"/.cargo/registry/src/index.crates.io-* | head -n1)}"
rm -rf "$work" && mkdir -p "$work"
cargo build --release -q -p sef-cli
sef="$CARGO_TARGET_DIR/release/sef"
"$sef" secrets rules -f json -o "$work/rules.json"
python3 bench/gen_secrets_corpus.py "$work/rules.json" "$work/corpus"

run() { # name, report, command...
    local name=$1 report=$2; shift 2
    /usr/bin/time -f "$name: %e s wall, %U s user, %S s sys, %M KB" "$@" || true
}
scan_all() { # dir, tag
    local d=$1 t=$2
    run "sef $t" "$work/$t-sef.json" "$sef" secrets scan "$d" -q -f json -o "$work/$t-sef.json"
    run "gitleaks $t" "$work/$t-gitleaks.json" "$peers/gitleaks" dir "$d" --report-format json \
        --report-path "$work/$t-gitleaks.json" --no-banner --exit-code 0 -l error
    run "trivy $t" "$work/$t-trivy.json" "$peers/trivy" fs --scanners secret --format json \
        --output "$work/$t-trivy.json" --quiet --cache-dir "$work/trivy-cache" "$d"
}

echo "== 1. labelled corpus"
scan_all "$work/corpus" corpus
(cd "$work/corpus" && run "detect-secrets corpus" x "$peers/detect-secrets" scan --all-files . > "$work/corpus-detect-secrets.json")
for t in sef gitleaks trivy detect-secrets; do
    python3 bench/score_secrets.py "$work/corpus" "$t" "$work/corpus-$t.json"
done
echo "   sef with the upstream gitleaks configuration:"
"$sef" secrets scan "$work/corpus" -q -f json -o "$work/corpus-sefgl.json" --config ../shared/data/secrets/gitleaks.toml || true
python3 bench/score_secrets.py "$work/corpus" sef "$work/corpus-sefgl.json"

echo "== 2. real 23 MB tree"
mkdir -p "$work/real"
total=0
for d in $(ls "$registry" | sort); do
    s=$(du -sk "$registry/$d" | cut -f1)
    [ $((total + s)) -gt 24576 ] && continue
    cp -r "$registry/$d" "$work/real/"
    total=$((total + s))
    [ $total -gt 23500 ] && break
done
du -sh "$work/real"
scan_all "$work/real" real
(cd "$work/real" && run "detect-secrets real" x "$peers/detect-secrets" scan --all-files . > "$work/real-detect-secrets.json")

echo "== 3. the whole cargo registry"
du -sh "$registry"
for i in 1 2; do scan_all "$registry" all; done

python3 - "$work" <<'PY'
import json, sys, collections
w = sys.argv[1]
def count(t, tag):
    r = json.load(open(f"{w}/{tag}-{t}.json"))
    if t == "sef": return collections.Counter(s["rule"] for s in r["secrets"])
    if t == "gitleaks": return collections.Counter(s["RuleID"] for s in r or [])
    if t == "trivy": return collections.Counter(s["RuleID"] for x in r.get("Results") or [] for s in x.get("Secrets") or [])
    return collections.Counter(s["type"] for v in r["results"].values() for s in v)
for tag, tools in (("real", ["sef", "gitleaks", "trivy", "detect-secrets"]), ("all", ["sef", "gitleaks", "trivy"])):
    for t in tools:
        c = count(t, tag)
        print(f"{tag} {t}: {sum(c.values())} findings {dict(c.most_common(6))}")
s = json.load(open(f"{w}/all-sef.json"))["scanned"]
print(f"all: sef scanned {s['files']} files, {s['bytes']/1e6:.1f} MB of text")
PY
