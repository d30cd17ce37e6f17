#!/usr/bin/env python3
"""Checks the dependency graph of a sef SBOM against the lockfile, read
independently of sef: every edge the lockfile records must be in the SBOM
and point at the version the lockfile resolved for that range, and every
component must be reachable from the SBOM's root.

    bench/check_graph.py LOCKFILE SBOM.cdx.json

LOCKFILE is a yarn.lock (classic or Berry), a pnpm-lock.yaml (v6 to v9), a
package-lock.json (v2/v3), a poetry.lock, a uv.lock or a composer.lock.
Where the lockfile itself records scope (package-lock `dev`/`optional`,
poetry `groups`/`category`/`optional`, composer `packages-dev`), each
component's CycloneDX scope must say the same. Exits 1 and lists what is
wrong when a check fails. Scoped npm names are compared decoded
(`@scope/name`), PyPI names by PEP 503, Composer names in lower case.
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


def pep503(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def poetry_edges(text):
    """Edges and scopes of a poetry.lock: one version per name (as poetry
    writes it), dependencies named as their requirement names them."""
    import tomllib

    doc = tomllib.loads(text)
    pkgs = doc.get("package", [])
    by_name = defaultdict(list)
    for p in pkgs:
        by_name[pep503(p["name"])].append(p["version"])
    edges, scopes = {}, {}
    for p in pkgs:
        src = (pep503(p["name"]), p["version"])
        out = set()
        for dep in (p.get("dependencies") or {}):
            for v in by_name.get(pep503(dep), []):
                out.add((pep503(dep), v))
        edges.setdefault(src, set()).update(out)
        if p.get("optional"):
            scopes[src] = "optional"
        elif p.get("category") == "dev":
            scopes[src] = "excluded"
        elif "groups" in p:
            scopes[src] = "required" if "main" in p["groups"] else "excluded"
    return edges, scopes


def uv_edges(text):
    """Edges of a uv.lock: each dependency names a package, and its
    version when the lock holds several."""
    import tomllib

    doc = tomllib.loads(text)
    pkgs = doc.get("package", [])
    by_name = defaultdict(list)
    for p in pkgs:
        if "version" in p:
            by_name[pep503(p["name"])].append(p["version"])
    edges = {}
    for p in pkgs:
        if "version" not in p:
            continue
        src = (pep503(p["name"]), p["version"])
        out = set()
        deps = list(p.get("dependencies") or [])
        for extra in (p.get("optional-dependencies") or {}).values():
            deps.extend(extra)
        for d in deps:
            n = pep503(d["name"])
            versions = [d["version"]] if "version" in d else by_name.get(n, [])[:1]
            out.update((n, v) for v in versions if v in by_name.get(n, []))
        edges.setdefault(src, set()).update(out)
    return edges, {}


def composer_edges(text):
    doc = json.loads(text)
    versions = {}
    scopes = {}
    for group, scope in (("packages", "required"), ("packages-dev", "excluded")):
        for p in doc.get(group) or []:
            versions[p["name"].lower()] = p["version"]
            scopes[(p["name"].lower(), p["version"])] = scope
    edges = {}
    for group in ("packages", "packages-dev"):
        for p in doc.get(group) or []:
            src = (p["name"].lower(), p["version"])
            out = {(d.lower(), versions[d.lower()]) for d in (p.get("require") or {})
                   if d.lower() in versions}
            edges.setdefault(src, set()).update(out)
    return edges, scopes


def package_lock_scopes(text):
    doc = json.loads(text)
    scopes = {}
    for key, p in (doc.get("packages") or {}).items():
        if not key or p.get("link") or "version" not in p:
            continue
        name = p.get("name") or key.rsplit("node_modules/", 1)[-1]
        if p.get("optional") and not p.get("dev"):
            s = "optional"
        elif p.get("dev") or p.get("devOptional"):
            s = "excluded"
        else:
            s = "required"
        src = (name.lower(), p["version"])
        # one version installed twice under two scopes: the most needed wins
        rank = {"excluded": 0, "optional": 1, "required": 2}
        if rank[s] > rank.get(scopes.get(src, "excluded"), -1) or src not in scopes:
            scopes[src] = s
    return scopes


def from_purl(ref):
    """(name, version) of an npm, PyPI or Composer purl, or of sef's
    first-party reference `npm:name@version#first-party`."""
    m = re.match(r"pkg:(npm|pypi|composer)/([^@?#]+)@([^?#]+)", ref)
    if m:
        name = urllib.parse.unquote(m.group(2))
        if m.group(1) == "pypi":
            name = pep503(name)
        return name.lower(), urllib.parse.unquote(m.group(3))
    m = re.match(r"(?:npm|PyPI|Packagist):(@?[^@]+)@([^#]+)#first-party", ref)
    return (m.group(1).lower(), m.group(2)) if m else None


def main():
    lock, sbom_path = sys.argv[1], sys.argv[2]
    text = open(lock, encoding="utf-8").read()
    scopes = {}
    if lock.endswith("yarn.lock"):
        want = yarn_edges(text)
    elif lock.endswith(".yaml"):
        want = pnpm_edges(text)
    elif lock.endswith("poetry.lock"):
        want, scopes = poetry_edges(text)
    elif lock.endswith("uv.lock"):
        want, scopes = uv_edges(text)
    elif lock.endswith("composer.lock"):
        want, scopes = composer_edges(text)
    else:
        want = package_lock_edges(text)
        scopes = package_lock_scopes(text)
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
    scoped = {from_purl(c.get("purl") or c["bom-ref"]): c.get("scope", "unknown")
              for c in sbom.get("components", [])}
    scopes = {(a.lower(), b): s for (a, b), s in scopes.items()}
    bad_scope = [(k, s, scoped.get(k)) for k, s in scopes.items() if k in scoped and scoped[k] != s]
    print(f"{lock}: {total} edge(s) in the lockfile, {len(missing)} missing from the SBOM, "
          f"{len(wrong)} to another version; {len(comps)} component(s), {len(unreachable)} unreachable from the root; "
          f"{len(scopes)} scope(s) recorded, {len(bad_scope)} different in the SBOM")
    for k, s, got in bad_scope[:10]:
        print(f"  scope of {k[0]}@{k[1]}: lockfile {s}, SBOM {got}")
    for src, t, other in (wrong + missing)[:10]:
        print(f"  {src[0]}@{src[1]} -> {t[0]}@{t[1]}" + (f" (SBOM: {sorted(other)})" if other else " (missing)"))
    for c in unreachable[:10]:
        print(f"  unreachable: {c}")
    sys.exit(1 if missing or wrong or unreachable or bad_scope else 0)


if __name__ == "__main__":
    main()
