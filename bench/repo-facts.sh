#!/usr/bin/env bash
# Benchmark: `sef assess` (repository-facts analyzer) on a large real source
# tree, side by side with tokei (files and lines per language) and
# `git status` (dirty state), in the same run with hyperfine.
#
# Corpus: a copy of this machine's cargo registry sources (every crate sef
# depends on), committed into a fresh git repository with one file changed
# so the dirty check has work to do.
#
# Needs: hyperfine (apt-get install hyperfine), tokei (cargo install tokei).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/sef-ci-target}"
work="${SEF_BENCH_DIR:-/tmp/sef-bench}"
corpus="$work/corpus"

cargo build --release -q -p sef-cli
sef="$CARGO_TARGET_DIR/release/sef"

if [ ! -d "$corpus/.git" ]; then
    rm -rf "$corpus"; mkdir -p "$corpus"
    cp -r "$HOME"/.cargo/registry/src/*/. "$corpus/"
    # Crates ship their own .gitignore files; drop them so every tool sees
    # the same files.
    find "$corpus" -name .gitignore -delete
    # Measure the repository-facts analyzer alone.
    printf '[offering]\nname = "corpus"\n[analyzers.inventory]\nenabled = false\n[analyzers.vulnerabilities]\nenabled = false\n' > "$corpus/sef.toml"
    git -C "$corpus" init -q
    git -C "$corpus" add -A
    git -C "$corpus" -c user.name=bench -c user.email=bench@example.invalid commit -q -m corpus
    f=$(git -C "$corpus" ls-files '*.rs' | sed -n 1p)
    echo "// changed" >> "$corpus/$f"
fi

echo "corpus: $(git -C "$corpus" ls-files | wc -l) files, $(du -sh --exclude=.git "$corpus" | cut -f1)"
"$sef" --version
tokei --version
git --version

hyperfine --warmup 2 --runs 10 --export-markdown "$work/repo-facts.md" \
    -n "sef assess" "$sef assess $corpus --no-store -q --format json" \
    -n "tokei" "tokei $corpus" \
    -n "git status" "git -C $corpus status --porcelain"

echo
echo "== counts"
"$sef" assess "$corpus" --no-store -q --format json | python3 -c '
import json, sys
p = json.load(sys.stdin)["run"]["evidence"][0]["payload"]
print("sef:   files", p["files"], "lines", p["lines"], "non-blank", p["code_lines"], "dirty", p["git"]["dirty"])
for lang in ("Rust", "C", "Markdown"):
    s = p["languages"].get(lang, {})
    print("sef:  ", lang, "files", s.get("files"), "lines", s.get("lines"))
'
tokei "$corpus" -o json | python3 -c '
import json, sys
t = json.load(sys.stdin)
tot = t["Total"]
print("tokei: lines", tot["code"] + tot["comments"] + tot["blanks"], "code", tot["code"], "comments", tot["comments"], "blanks", tot["blanks"])
for lang in ("Rust", "C", "Markdown"):
    s = t.get(lang, {})
    print("tokei:", lang, "files", len(s.get("reports", [])), "lines", s.get("code", 0) + s.get("comments", 0) + s.get("blanks", 0))
'
cat "$work/repo-facts.md"
