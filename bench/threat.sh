#!/usr/bin/env bash
# Speed of `sef threat check` on a generated 500-asset model (issue 22's
# bar: under 200 ms), with pytm resolving the same model beside it
# (bench/threat-pytm.py --resolve). Generated inputs measure scale only;
# the golden model and the real Threagile/Threat Dragon examples are the
# tests of truth.
#
# Usage: bench/threat.sh [SEF_BINARY]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sef=${1:-$here/../target/release/sef}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/security/threat-model"
printf '[offering]\nname = "bench"\n\n[threat_model]\ndiagram = "none"\n' > "$work/sef.toml"
python3 - "$work/security/threat-model/model.yaml" <<'PY'
import random, sys
random.seed(22)
A = 500; D = 60; B = 25; F = 1000
types = ["web-application", "web-service", "database", "file-storage", "message-queue", "cache",
         "identity-provider", "gateway", "secret-store", "batch-job", "monitoring", "external-service"]
lv = ["low", "medium", "high", "critical"]
cl = ["public", "internal", "confidential", "restricted"]
o = ["title: Generated 500-asset model", "data_assets:"]
for i in range(D):
    o.append(f"  - {{id: d{i}, classification: {random.choice(cl)}, confidentiality: {random.choice(lv)}, "
             f"integrity: {random.choice(lv)}, availability: {random.choice(lv)}, personal: {str(i % 7 == 0).lower()}}}")
o.append("actors:")
for i in range(20):
    o.append(f"  - {{id: actor{i}, type: {'human' if i % 3 else 'system'}, trust_level: {random.choice(['untrusted', 'low', 'medium'])}, privileged: {str(i % 5 == 0).lower()}}}")
o.append("technical_assets:")
for i in range(A):
    t = random.choice(types)
    ds = random.sample(range(D), 3)
    o.append(f"  - {{id: a{i}, type: {t}, trust_level: {random.choice(['low', 'medium', 'high'])}, "
             f"internet_facing: {str(i % 17 == 0).lower()}, custom_developed: {str(t not in ('database', 'cache', 'gateway')).lower()}, "
             f"processes: [d{ds[0]}, d{ds[1]}], stores: [d{ds[2]}], encrypted_at_rest: {str(i % 2 == 0).lower()}}}")
o.append("data_flows:")
auth = ["none", "credentials", "session", "token", "api-key", "client-certificate"]
enc = ["none", "tls", "mtls"]
for i in range(F):
    s = f"a{random.randrange(A)}" if i % 10 else f"actor{random.randrange(20)}"
    t = f"a{random.randrange(A)}"
    while t == s:
        t = f"a{random.randrange(A)}"
    o.append(f"  - {{id: f{i}, source: {s}, target: {t}, protocol: https, authentication: {random.choice(auth)}, "
             f"authorization: {random.choice(['none', 'technical-user', 'end-user'])}, encryption: {random.choice(enc)}, "
             f"sends: [d{random.randrange(D)}], receives: [d{random.randrange(D)}]}}")
o.append("trust_boundaries:")
per = A // B
for b in range(B):
    assets = ", ".join(f"a{i}" for i in range(b * per, (b + 1) * per))
    nested = f", boundaries: [b{b + 1}]" if b % 5 != 4 and b + 1 < B else ""
    o.append(f"  - {{id: b{b}, type: {random.choice(['network', 'container', 'cloud-account'])}, assets: [{assets}]{nested}}}")
open(sys.argv[1], "w").write("\n".join(o) + "\n")
PY
echo "model: $(wc -c < "$work/security/threat-model/model.yaml") bytes, 500 technical assets, 1000 flows, 25 boundaries"
"$sef" threat check --repo "$work" | sed -n 3,4p
hyperfine -N --warmup 3 --runs 10 --export-markdown "$work/sef.md" \
  "$sef threat check --repo $work" \
  "python3 $here/threat-pytm.py --resolve $work/security/threat-model/model.yaml"
cat "$work/sef.md"
/usr/bin/time -f "sef threat check peak RSS: %M KB" "$sef" threat check --repo "$work" > /dev/null
