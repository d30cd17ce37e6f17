#!/usr/bin/env python3
"""The outside oracle for sef's threat rules: the golden model
(crates/sef-threat/tests/fixtures/golden/v1/model.yaml) written for OWASP
pytm (`pip install pytm`), pytm's threats per element set beside sef's
(`sef threat list -f json`), by STRIDE category.

pytm's threats carry no STRIDE category; each is mapped by its id's family
(INP input, AC access control, ...) with a few per-threat exceptions, as
MAP below says. The output is a Markdown table; docs/threat-model.md
records what it showed and why the two differ.

Usage: bench/threat-pytm.py [SEF_BINARY]   (default: target/release/sef)
       bench/threat-pytm.py --resolve MODEL.yaml   (build and resolve only,
       for bench/threat.sh's timing)
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml
from pytm import (TM, Actor, Boundary, Classification, Data, Dataflow,
                  Datastore, ExternalEntity, Process, Server)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(ROOT, "crates/sef-threat/tests/fixtures/golden/v1/model.yaml")
SEF = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/sef")

# pytm threat family -> STRIDE letter; exceptions by threat id.
MAP = {"INP": "T", "SC": "T", "LB": "T", "LLM": "T", "AA": "S", "CR": "I",
       "DS": "I", "DE": "I", "DR": "I", "HA": "I", "API": "E", "AC": "E", "DO": "D"}
EXCEPT = {"CR01": "S", "CR03": "S", "CR04": "S", "DE04": "R", "AC05": "E"}

CLASS = {"public": Classification.PUBLIC, "internal": Classification.RESTRICTED,
         "confidential": Classification.SENSITIVE, "restricted": Classification.SECRET}


def stride(sid):
    if sid in EXCEPT:
        return EXCEPT[sid]
    return MAP.get(re.match(r"[A-Z]+", sid).group(0), "?")


def build(m):
    tm = TM("golden")
    tm.isOrdered = True
    data = {d["id"]: Data(d["id"], classification=CLASS[d["classification"]],
                          isPII=d.get("personal", False)) for d in m["data_assets"]}
    bounds = {b["id"]: Boundary(b["id"]) for b in m["trust_boundaries"]}
    for b in m["trust_boundaries"]:
        for c in b.get("boundaries", []):
            bounds[c].inBoundary = bounds[b["id"]]
    where = {a: b["id"] for b in m["trust_boundaries"] for a in b.get("assets", [])}
    el = {}
    for a in m["actors"]:
        el[a["id"]] = Actor(a["id"])
    stores = {"database", "cache", "file-storage", "secret-store", "monitoring", "message-queue"}
    for a in m["technical_assets"]:
        t = a["type"]
        if t in stores:
            e = Datastore(a["id"])
            e.controls.isEncryptedAtRest = a.get("encrypted_at_rest", False)
            e.storesSensitiveData = any(data[d].classification.value >= Classification.SENSITIVE.value
                                        for d in a.get("stores", []))
        elif t == "external-service":
            e = ExternalEntity(a["id"])
        elif t == "batch-job":
            e = Process(a["id"])
        else:
            e = Server(a["id"])
        e.controls.isHardened = a.get("attributes", {}).get("hardened", False)
        if a["id"] in where:
            e.inBoundary = bounds[where[a["id"]]]
        el[a["id"]] = e
    for f in m["data_flows"]:
        d = Dataflow(el[f["source"]], el[f["target"]], f["id"])
        d.protocol = f["protocol"].upper()
        d.controls.isEncrypted = f["encryption"] != "none"
        d.controls.authenticatesSource = f["authentication"] != "none"
        d.controls.authorizesSource = f["authorization"] != "none"
        d.usesVPN = f.get("vpn", False)
        d.data = [data[x] for x in f.get("sends", []) + f.get("receives", [])]
        el[f["id"]] = d
    return tm


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--resolve":
        tm = build(yaml.safe_load(open(sys.argv[2])))
        tm.resolve()
        print(len(tm.findings))
        return
    m = yaml.safe_load(open(MODEL))
    tm = build(m)
    tm.resolve()
    py = {}
    for f in tm.findings:
        name = getattr(f.element, "name", None) or f.target
        py.setdefault(name, set()).add(stride(f.threat_id))
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, "security/threat-model"))
        with open(os.path.join(d, "security/threat-model/model.yaml"), "w") as out:
            out.write(open(MODEL).read())
        with open(os.path.join(d, "sef.toml"), "w") as out:
            out.write('[offering]\nname = "golden"\n')
        rows = json.loads(subprocess.run([SEF, "threat", "list", "-f", "json", "--repo", d],
                                         check=True, capture_output=True, text=True).stdout)
    letters = {"spoofing": "S", "tampering": "T", "repudiation": "R",
               "information-disclosure": "I", "denial-of-service": "D",
               "elevation-of-privilege": "E"}
    sef = {}
    for r in rows:
        sef.setdefault(r["element"], set()).add(letters[r["stride"]])
    ids = [x["id"] for k in ("actors", "technical_assets", "data_assets", "data_flows", "trust_boundaries")
           for x in m.get(k, [])]
    print(f"pytm {len(tm.findings)} findings, sef {len(rows)} risks\n")
    print("| element | pytm | sef | both | pytm only | sef only |")
    print("|---|---|---|---|---|---|")
    agree = both_total = sef_n = sef_hit = py_n = py_hit = 0
    for i in ids:
        p, s = py.get(i, set()), sef.get(i, set())
        if not p and not s:
            continue
        if p == s:
            agree += 1
        sef_n += len(s)
        sef_hit += len(s & p)
        py_n += len(p)
        py_hit += len(p & s)
        both_total += 1
        j = lambda x: "".join(sorted(x)) or "-"
        print(f"| {i} | {j(p)} | {j(s)} | {j(p & s)} | {j(p - s)} | {j(s - p)} |")
    print(f"\nelements with threats in either: {both_total}; same STRIDE set: {agree}")
    print(f"(element, STRIDE) pairs: sef {sef_n}, of which pytm also has {sef_hit}; "
          f"pytm {py_n}, of which sef also has {py_hit}")


if __name__ == "__main__":
    main()
