#!/usr/bin/env bash
# Benchmark: history mining on real repositories (issue 19). For each
# clone given (default: the two measured in BENCHMARKS.md, cloned from the
# fetched mirrors under /tmp/real), `sef history` over the whole history
# beside `git log --no-renames --name-only` printing the same facts, three
# runs each, wall time and peak memory (GNU time).
#
#   bench/history-real.sh [REPO...]
#
# The repositories are not fetched by this script: clone them first
# (rust-lang/cargo, etcd-io/etcd; BENCHMARKS.md records the commits).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/sef-ci-target}"
cargo build --release -q -p sef-cli
sef="$CARGO_TARGET_DIR/release/sef"
repos=("$@")
[ ${#repos[@]} -gt 0 ] || repos=(/tmp/real/cargo /tmp/real/etcd)
for r in "${repos[@]}"; do
    [ -d "$r/.git" ] || { echo "$r: not a git clone; clone it first" >&2; exit 2; }
    n=$(git -C "$r" rev-list --count HEAD)
    echo "== $r @ $(git -C "$r" rev-parse --short HEAD), $n commits"
    for i in 1 2 3; do
        (cd "$r" && /usr/bin/time -f "sef history: %e s wall, %U s user, %M KB" \
            "$sef" history --since 2000-01-01 -q -f json -o /dev/null)
        (cd "$r" && /usr/bin/time -f "git log:     %e s wall, %U s user, %M KB" sh -c \
            "git log --no-renames --name-only --format='%H %an %(trailers)' >/dev/null")
    done
done
