#!/usr/bin/env python3
"""Generates the inventory benchmark corpus: 20 lockfiles in 20 formats,
2,500 packages each (50,000 in all), deterministic, and writes the truth
(packages per file) to truth.json beside them.

Usage: gen_lockfiles.py OUT_DIR [PACKAGES_PER_FILE]
"""
import hashlib, json, os, sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 2500


def ver(i):
    return f"1.{i // 100}.{i % 100}"


def h(s, n=64):
    return hashlib.sha256(s.encode()).hexdigest()[:n]


def write(rel, text):
    p = os.path.join(out, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(text)


truth = {}
R = range(n)

# Rust
s = "version = 3\n\n[[package]]\nname = \"bench-app\"\nversion = \"0.1.0\"\ndependencies = [\n"
s += "".join(f" \"rs-pkg-{i}\",\n" for i in R) + "]\n"
for i in R:
    s += f"\n[[package]]\nname = \"rs-pkg-{i}\"\nversion = \"{ver(i)}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{h('rs' + str(i))}\"\n"
write("rust/Cargo.lock", s)
truth["rust/Cargo.lock"] = n

# npm
pk = {"": {"name": "bench", "version": "1.0.0", "dependencies": {f"npm-pkg-{i}": "^1.0.0" for i in R}}}
for i in R:
    pk[f"node_modules/npm-pkg-{i}"] = {"version": ver(i), "resolved": f"https://registry.npmjs.org/npm-pkg-{i}/-/npm-pkg-{i}-{ver(i)}.tgz", "integrity": "sha512-" + h("npm" + str(i), 86) + "=="}
write("npm/package-lock.json", json.dumps({"name": "bench", "version": "1.0.0", "lockfileVersion": 3, "requires": True, "packages": pk}, indent=2))
write("npm/package.json", json.dumps({"name": "bench", "version": "1.0.0", "dependencies": {f"npm-pkg-{i}": "^1.0.0" for i in R}}))
truth["npm/package-lock.json"] = n

# yarn v1
s = "# yarn lockfile v1\n\n"
for i in R:
    s += f"yarn-pkg-{i}@^1.0.0:\n  version \"{ver(i)}\"\n  resolved \"https://registry.yarnpkg.com/yarn-pkg-{i}/-/yarn-pkg-{i}-{ver(i)}.tgz#{h('y' + str(i), 40)}\"\n  integrity sha512-{h('yarn' + str(i), 86)}==\n\n"
write("yarn/yarn.lock", s)
write("yarn/package.json", json.dumps({"name": "bench", "version": "1.0.0", "dependencies": {f"yarn-pkg-{i}": "^1.0.0" for i in R}}))
truth["yarn/yarn.lock"] = n

# pnpm v9
s = "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n"
s += "".join(f"      pnpm-pkg-{i}:\n        specifier: ^1.0.0\n        version: {ver(i)}\n" for i in R)
s += "\npackages:\n\n" + "".join(f"  pnpm-pkg-{i}@{ver(i)}:\n    resolution: {{integrity: sha512-{h('p' + str(i), 86)}==}}\n\n" for i in R)
s += "snapshots:\n\n" + "".join(f"  pnpm-pkg-{i}@{ver(i)}: {{}}\n\n" for i in R)
write("pnpm/pnpm-lock.yaml", s)
truth["pnpm/pnpm-lock.yaml"] = n

# bun
pk = {f"bun-pkg-{i}": [f"bun-pkg-{i}@{ver(i)}", "", {}, "sha512-" + h("b" + str(i), 86) + "=="] for i in R}
write("bun/bun.lock", json.dumps({"lockfileVersion": 1, "workspaces": {"": {"name": "bench", "dependencies": {f"bun-pkg-{i}": "^1.0.0" for i in R}}}, "packages": pk}, indent=2))
truth["bun/bun.lock"] = n

# Python
write("pip/requirements.txt", "".join(f"pip-pkg-{i}=={ver(i)}\n" for i in R))
truth["pip/requirements.txt"] = n
s = "".join(f"[[package]]\nname = \"poetry-pkg-{i}\"\nversion = \"{ver(i)}\"\ndescription = \"\"\noptional = false\npython-versions = \"*\"\nfiles = []\n\n" for i in R)
s += "[metadata]\nlock-version = \"2.0\"\npython-versions = \"^3.10\"\ncontent-hash = \"" + h("poetry") + "\"\n"
write("poetry/poetry.lock", s)
write("poetry/pyproject.toml", "[tool.poetry]\nname = \"bench\"\nversion = \"1.0.0\"\ndescription = \"\"\nauthors = []\n\n[tool.poetry.dependencies]\npython = \"^3.10\"\n" + "".join(f"poetry-pkg-{i} = \"{ver(i)}\"\n" for i in R))
truth["poetry/poetry.lock"] = n
write("pipenv/Pipfile.lock", json.dumps({"_meta": {"pipfile-spec": 6}, "default": {f"pipenv-pkg-{i}": {"version": "==" + ver(i), "hashes": ["sha256:" + h("pe" + str(i))]} for i in R}, "develop": {}}, indent=4))
truth["pipenv/Pipfile.lock"] = n
s = "version = 1\nrequires-python = \">=3.10\"\n\n[[package]]\nname = \"bench\"\nversion = \"1.0.0\"\nsource = { virtual = \".\" }\ndependencies = [\n" + "".join(f"    {{ name = \"uv-pkg-{i}\" }},\n" for i in R) + "]\n"
s += "".join(f"\n[[package]]\nname = \"uv-pkg-{i}\"\nversion = \"{ver(i)}\"\nsource = {{ registry = \"https://pypi.org/simple\" }}\n" for i in R)
write("uv/uv.lock", s)
truth["uv/uv.lock"] = n
s = "[metadata]\ngroups = [\"default\"]\nlock_version = \"4.4.1\"\n" + "".join(f"\n[[package]]\nname = \"pdm-pkg-{i}\"\nversion = \"{ver(i)}\"\ngroups = [\"default\"]\nfiles = [\n    {{file = \"pdm_pkg_{i}-{ver(i)}.tar.gz\", hash = \"sha256:{h('pd' + str(i))}\"}},\n]\n" for i in R)
write("pdm/pdm.lock", s)
truth["pdm/pdm.lock"] = n

# Go
write("go/go.mod", "module example.com/bench\n\ngo 1.22\n\nrequire (\n" + "".join(f"\tgithub.com/bench/go-pkg-{i} v{ver(i)}\n" for i in R) + ")\n")
truth["go/go.mod"] = n

# Ruby, PHP
s = "GEM\n  remote: https://rubygems.org/\n  specs:\n" + "".join(f"    gem-pkg-{i} ({ver(i)})\n" for i in R)
s += "\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n" + "".join(f"  gem-pkg-{i}\n" for i in R) + "\nBUNDLED WITH\n   2.4.10\n"
write("ruby/Gemfile.lock", s)
truth["ruby/Gemfile.lock"] = n
write("php/composer.lock", json.dumps({"packages": [{"name": f"bench/php-pkg-{i}", "version": ver(i), "type": "library"} for i in R], "packages-dev": []}, indent=4))
truth["php/composer.lock"] = n

# Java, .NET
write("gradle/gradle.lockfile", "".join(f"com.bench:gradle-pkg-{i}:{ver(i)}=compileClasspath,runtimeClasspath\n" for i in R) + "empty=\n")
truth["gradle/gradle.lockfile"] = n
write("nuget/packages.lock.json", json.dumps({"version": 1, "dependencies": {"net8.0": {f"Bench.Pkg{i}": {"type": "Direct", "requested": f"[{ver(i)}, )", "resolved": ver(i), "contentHash": h("nu" + str(i), 88)} for i in R}}}, indent=2))
truth["nuget/packages.lock.json"] = n

# Dart, Elixir, C/C++, Swift, R
s = "packages:\n" + "".join(f"  dart_pkg_{i}:\n    dependency: \"direct main\"\n    description:\n      name: dart_pkg_{i}\n      sha256: \"{h('d' + str(i))}\"\n      url: \"https://pub.dev\"\n    source: hosted\n    version: \"{ver(i)}\"\n" for i in R)
write("dart/pubspec.lock", s + "sdks:\n  dart: \">=3.0.0 <4.0.0\"\n")
truth["dart/pubspec.lock"] = n
write("elixir/mix.lock", "%{\n" + "".join(f"  \"ex_pkg_{i}\": {{:hex, :ex_pkg_{i}, \"{ver(i)}\", \"{h('e' + str(i))}\", [:mix], [], \"hexpm\", \"{h('f' + str(i))}\"}},\n" for i in R) + "}\n")
truth["elixir/mix.lock"] = n
write("conan/conan.lock", json.dumps({"version": "0.5", "requires": [f"conan-pkg-{i}/{ver(i)}#{h('c' + str(i), 32)}%1700000000.0" for i in R], "build_requires": [], "python_requires": []}, indent=4))
truth["conan/conan.lock"] = n
write("swift/Package.resolved", json.dumps({"pins": [{"identity": f"swift-pkg-{i}", "kind": "remoteSourceControl", "location": f"https://github.com/bench/swift-pkg-{i}.git", "state": {"revision": h("s" + str(i), 40), "version": ver(i)}} for i in R], "version": 2}, indent=2))
truth["swift/Package.resolved"] = n
write("r/renv.lock", json.dumps({"R": {"Version": "4.3.1", "Repositories": [{"Name": "CRAN", "URL": "https://cloud.r-project.org"}]}, "Packages": {f"rpkg{i}": {"Package": f"rpkg{i}", "Version": ver(i), "Source": "Repository", "Repository": "CRAN", "Hash": h("r" + str(i), 32)} for i in R}}, indent=2))
truth["r/renv.lock"] = n

assert len(truth) == 20, len(truth)
with open(os.path.join(out, "truth.json"), "w") as f:
    json.dump({"files": truth, "total": sum(truth.values())}, f, indent=2, sort_keys=True)
print(f"{len(truth)} lockfiles, {sum(truth.values())} packages in {out}")
