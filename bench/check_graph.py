#!/usr/bin/env python3
"""Checks the dependency graph of a sef SBOM against the lockfile, read
independently of sef: every edge the lockfile records must be in the SBOM
and point at the version the lockfile resolved for that range, and every
component must be reachable from the SBOM's root.

    bench/check_graph.py LOCKFILE SBOM.cdx.json

LOCKFILE is a yarn.lock (classic or Berry), a pnpm-lock.yaml (v6 to v9) or
a package-lock.json (v2/v3). Exits 1 and lists what is wrong when a check
fails. Scoped package names are compared decoded (`@scope/name`).
"""

import json
import re
import sys
import urllib.parse
from collections import defaultdict


def unquote(s):
    s = s.strip()
    if len(s) >= 2 and s[0] == '"' and s[-1] == '"':
        return s[1:-1]
    return s


def split_name(spec):
    start = 1 if spec.startswith("@") else 0
    i = spec.find("@", start)
    return (spec, None) if i < 0 else (spec[:i], spec[i + 1:])


def yarn_edges(text):
    """(name, version) -> set of (name, version) it depends on."""
    entries = []
    in_deps = False
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        body = line.strip()
        if indent == 0:
            keys = [k.strip().strip('"') for k in body[:-1].split(", ")]
            entries.append({"keys": keys, "version": None, "resolution": None, "deps": [], "local": False})
            in_deps = False
        elif indent == 2:
            if ": " in body:
                k, v = body.split(": ", 1)
            elif " " in body:
                k, v = body.split(" ", 1)
            else:
                k, v = body.rstrip(":"), ""
            k, v = unquote(k), unquote(v)
            in_deps = k in ("dependencies", "optionalDependencies") and v == ""
            if k == "version":
                entries[-1]["version"] = v
            elif k == "resolution":
                entries[-1]["resolution"] = v
            elif k == "linkType" and v == "soft":
                entries[-1]["local"] = True
        elif indent == 4 and in_deps:
            if ": " in body:
                n, r = body.split(": ", 1)
            else:
                n, _, r = body.partition(" ")
            entries[-1]["deps"].append((unquote(n), unquote(r)))
    by_spec = {}
    for e in entries:
        for k in e["keys"]:
            by_spec[k] = e

    def name_of(e):
        if e["resolution"]:
            return split_name(e["resolution"])[0]
        alias, spec = split_name(e["keys"][0])
        if spec and spec.startswith("npm:") and "@" in spec[4:].lstrip("@"):
            return split_name(spec[4:])[0]
        return alias

    edges = {}
    for e in entries:
        if "__metadata" in e["keys"] or not e["version"]:
            continue
        src = (name_of(e), e["version"])
        out = set()
        for n, r in e["deps"]:
            t = by_spec.get(f"{n}@{r}") or by_spec.get(f"{n}@npm:{r}")
            if t and t["version"]:
                out.add((name_of(t), t["version"]))
        edges.setdefault(src, set()).update(out)
    return edges


def pnpm_edges(text):
    import yaml

    # pnpm's own repository adds a second document (its environment)
    docs = [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]
    doc = next((d for d in reversed(docs) if "importers" in d or "packages" in d), {})
    edges = {}

    def clean(v):
        return str(v).split("(")[0]

    def key_split(k):
        k = k.lstrip("/").split("(")[0]
        # v5: [host/]name/version[_peers]
        m = re.match(r"^(?:[^/@]+\.[a-z]+/)?(@[^/]+/[^/@]+|[^/@]+)/(\d[^/_]*)(?:_.*)?$", k)
        if m:
            return m.group(1), m.group(2)
        return split_name(k)

    packages = doc.get("packages") or {}

    def entry_id(k):
        """(name, version) of a packages key, from its fields if it has them."""
        p = packages.get(k) or packages.get("/" + k) or {}
        name, ver = key_split(k)
        return (p.get("name") or name, str(p.get("version") or ver))

    known = {entry_id(k) for k in packages}
    section = doc.get("snapshots") or packages
    for k, v in section.items():
        src = entry_id(k.split("(")[0])
        out = set()
        for field in ("dependencies", "optionalDependencies"):
            for n, ver in ((v or {}).get(field) or {}).items():
                ver = clean(ver)
                if ver.startswith("link:"):
                    continue
                if ver in packages or ("/" + ver) in packages:
                    t = entry_id(ver)
                elif ver.startswith("npm:") or "@" in ver[1:]:
                    t = split_name(ver[4:] if ver.startswith("npm:") else ver)
                else:
                    t = (n, ver.split("_")[0])
                if t in known:
                    out.add(t)
        edges.setdefault(src, set()).update(out)
    return edges


def package_lock_edges(text):
    doc = json.loads(text)
    pkgs = doc.get("packages", {})
    edges = {}

    def resolve(key, dep):
        base = key
        while True:
            cand = (base + "/" if base else "") + "node_modules/" + dep
            if cand in pkgs:
                return cand
            if not base:
                return None
            i = base.rfind("/node_modules/")
            base = base[:i] if i >= 0 else ""

    for key, p in pkgs.items():
        if not key or p.get("link"):
            continue
        name = p.get("name") or (
            key.rsplit("node_modules/", 1)[-1] if "node_modules/" in key else key.rsplit("/", 1)[-1])
        src = (name, p.get("version"))
        out = set()
        for field in ("dependencies", "optionalDependencies"):
            for dep in (p.get(field) or {}):
                t = resolve(key, dep)
                if t and pkgs[t].get("version") and not pkgs[t].get("link"):
                    out.add((pkgs[t].get("name") or dep, pkgs[t]["version"]))
        edges.setdefault(src, set()).update(out)
    return edges


def from_purl(ref):
    """(name, version) of an npm purl, or of sef's first-party reference
    `npm:name@version#first-party`."""
    m = re.match(r"pkg:npm/([^@?#]+)@([^?#]+)", ref)
    if m:
        return urllib.parse.unquote(m.group(1)).lower(), urllib.parse.unquote(m.group(2))
    m = re.match(r"npm:(@?[^@]+)@([^#]+)#first-party", ref)
    return (m.group(1).lower(), m.group(2)) if m else None


def main():
    lock, sbom_path = sys.argv[1], sys.argv[2]
    text = open(lock, encoding="utf-8").read()
    if lock.endswith("yarn.lock"):
        want = yarn_edges(text)
    elif lock.endswith(".yaml"):
        want = pnpm_edges(text)
    else:
        want = package_lock_edges(text)
    sbom = json.load(open(sbom_path, encoding="utf-8"))
    root = sbom["metadata"]["component"]["bom-ref"]
    graph = {d["ref"]: d.get("dependsOn", []) for d in sbom.get("dependencies", [])}
    # npm names are lower case in a purl
    want = {(a.lower(), b): {(n.lower(), v) for n, v in t} for (a, b), t in want.items()}
    have = defaultdict(set)
    for ref, deps in graph.items():
        s = from_purl(ref)
        if s:
            have[s].update(t for t in (from_purl(d) for d in deps) if t)
    missing, wrong, total = [], [], 0
    for src, targets in want.items():
        for t in targets:
            total += 1
            if t in have.get(src, set()):
                continue
            other = [h for h in have.get(src, set()) if h[0] == t[0]]
            (wrong if other else missing).append((src, t, other))
    seen, stack = {root}, [root]
    while stack:
        for d in graph.get(stack.pop(), []):
            if d not in seen:
                seen.add(d)
                stack.append(d)
    comps = [c["bom-ref"] for c in sbom.get("components", [])]
    unreachable = [c for c in comps if c not in seen]
    print(f"{lock}: {total} edge(s) in the lockfile, {len(missing)} missing from the SBOM, "
          f"{len(wrong)} to another version; {len(comps)} component(s), {len(unreachable)} unreachable from the root")
    for src, t, other in (wrong + missing)[:10]:
        print(f"  {src[0]}@{src[1]} -> {t[0]}@{t[1]}" + (f" (SBOM: {sorted(other)})" if other else " (missing)"))
    for c in unreachable[:10]:
        print(f"  unreachable: {c}")
    sys.exit(1 if missing or wrong or unreachable else 0)


if __name__ == "__main__":
    main()
