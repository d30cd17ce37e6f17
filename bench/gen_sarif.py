#!/usr/bin/env python3
"""Writes a large SARIF 2.1.0 log for the ingestion benchmark.

usage: gen_sarif.py N OUT_DIR
Creates OUT_DIR/big.sarif with N results over 200 rules and 2,000 source
files (also written, so sef can read the code around each finding), in the
shape semgrep and CodeQL write: rule tags with CWE ids, security-severity,
regions with line and column, half the results with partialFingerprints.
"""
import json
import os
import random
import sys

n = int(sys.argv[1])
out = sys.argv[2]
random.seed(42)
os.makedirs(os.path.join(out, "src"), exist_ok=True)
files = []
for i in range(2000):
    path = f"src/module_{i:04d}.py"
    files.append(path)
    with open(os.path.join(out, path), "w") as f:
        for line in range(1, 201):
            f.write(f"value_{line} = compute({line}, user_input_{i})  # line {line}\n")
cwes = [20, 22, 78, 79, 89, 94, 200, 287, 295, 327, 352, 434, 502, 611, 798, 862, 918]
rules = [
    {
        "id": f"rule-{r:03d}",
        "name": f"rule-{r:03d}",
        "shortDescription": {"text": f"Rule {r} finds a problem"},
        "help": {"text": f"Fix rule {r} by validating the input."},
        "properties": {
            "tags": ["security", f"external/cwe/cwe-{cwes[r % len(cwes)]:03d}"],
            "security-severity": f"{(r % 100) / 10:.1f}",
        },
    }
    for r in range(200)
]
results = []
for k in range(n):
    r = random.randrange(200)
    path = random.choice(files)
    line = random.randint(1, 200)
    res = {
        "ruleId": f"rule-{r:03d}",
        "ruleIndex": r,
        "level": random.choice(["error", "warning", "note"]),
        "message": {"text": f"Untrusted data reaches a sink in {path} (finding {k})."},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": line, "startColumn": 1 + k % 40}}}],
    }
    if k % 2 == 0:
        res["partialFingerprints"] = {"primaryLocationLineHash": f"{k:016x}:1"}
    results.append(res)
log = {
    "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
    "version": "2.1.0",
    "runs": [{
        "tool": {"driver": {"name": "BenchTool", "version": "1.0.0", "rules": rules}},
        "invocations": [{"executionSuccessful": True}],
        "results": results,
    }],
}
with open(os.path.join(out, "big.sarif"), "w") as f:
    json.dump(log, f)
with open(os.path.join(out, "sef.toml"), "w") as f:
    f.write('[offering]\nname = "bench"\n[analyzers.vulnerabilities]\nenabled = false\n')
