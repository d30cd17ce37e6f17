"""Which advisories cargo-audit reports that sef does not (as the id or an
alias of one of its findings). Usage: compare_audit.py AUDIT.json SEF.json,
where SEF.json is `sef vulns --format json` or `sef assess --format json`
output (its findings under "run")."""
import json
import sys

audit = json.load(open(sys.argv[1]))
ids = {v["advisory"]["id"] for v in audit["vulnerabilities"]["list"]}
for kind in audit.get("warnings", {}).values():
    ids |= {x["advisory"]["id"] for x in kind if x.get("advisory")}
doc = json.load(open(sys.argv[2]))
findings = doc.get("run", doc)["findings"]
known = set()
for f in findings:
    known.add(f["rule_id"])
    known.update(f.get("aliases", []))
print(f"cargo-audit advisories: {len(ids)}; sef findings: {len(findings)}; "
      f"reported by cargo-audit but not by sef: {sorted(ids - known) or 'none'}")
