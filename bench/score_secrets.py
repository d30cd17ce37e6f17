#!/usr/bin/env python3
"""Scores secret scanners on the labelled corpus.

usage: score_secrets.py CORPUS_DIR TOOL REPORT

TOOL is sef, gitleaks, trivy or detect-secrets; REPORT its JSON report. A
finding counts for a plant when it is in the plant's file on one of its
lines (multi-line plants: any of their lines). Each secret plant counts
once however many findings it has; every finding that matches no secret
plant (a look-alike or filler code) is a false positive, counted once per
file and line. Prints precision and recall."""
import json, os, sys

corpus, tool, report = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
labels = json.load(open(corpus + ".labels.json"))
r = json.load(open(report))

def rel(p):
    p = os.path.normpath(p)
    for c in (os.path.normpath(os.path.abspath(corpus)), os.path.normpath(corpus)):
        if p.startswith(c + os.sep):
            return p[len(c) + 1:]
    return p

found = set()
if tool == "sef":
    for s in r.get("secrets", []):
        found.add((s["path"], s["line"]))
elif tool == "gitleaks":
    for s in r or []:
        found.add((rel(s["File"]), s["StartLine"]))
elif tool == "trivy":
    for res in r.get("Results", []) or []:
        for s in res.get("Secrets", []) or []:
            found.add((rel(res["Target"]), s["StartLine"]))
elif tool == "detect-secrets":
    for f, items in r.get("results", {}).items():
        for s in items:
            found.add((rel(f), s["line_number"]))
else:
    sys.exit(f"unknown tool {tool}")

by_file = {}
for i, l in enumerate(labels):
    by_file.setdefault(l["file"], []).append((i, l))
hit = set()
fp = 0
for f, line in found:
    match = None
    for i, l in by_file.get(f, []):
        if l["line"] <= line <= l["line"] + l["lines"]:
            match = (i, l)
            break
    if match and match[1]["secret"]:
        hit.add(match[0])
    else:
        fp += 1
secrets = sum(1 for l in labels if l["secret"])
tp = len(hit)
precision = tp / (tp + fp) if tp + fp else 0.0
recall = tp / secrets if secrets else 0.0
print(json.dumps({"tool": tool, "findings": len(found), "true_positives": tp, "false_positives": fp,
                  "secrets": secrets, "precision": round(precision, 3), "recall": round(recall, 3)}))
