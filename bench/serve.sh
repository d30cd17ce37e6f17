#!/usr/bin/env bash
# `sef serve` on a real repository (this one, at its HEAD): what pushing a
# run costs over assessing it (the upload, the server's own decision and
# the stored run), and how fast the API reads it back, with wrk on
# loopback (2 threads, 10 connections, 10 s). SQLite store; set
# SEF_BENCH_DB=postgres://… for PostgreSQL (a fresh schema is yours to
# give). No peer runs beside it: Dependency-Track and DefectDojo need their
# own server stacks (Java, Django + PostgreSQL), not installed here.
#
# (A failing gate exits 1: hyperfine ignores exit codes here.)
#
# Usage: bench/serve.sh [SEF_BINARY] [REPO]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sef=${1:-$here/../target/release/sef}
repo=${2:-$here/..}
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
db=${SEF_BENCH_DB:-$work/sef.db}
export SEF_DATABASE_URL=$db HOME=$work
offering=$(python3 -c "import tomllib,sys;print(tomllib.load(open(sys.argv[1],'rb'))['offering']['name'])" "$repo/sef.toml")
SEF_USER_PASSWORD='bench password 123' "$sef" user add bench
"$sef" user grant bench admin global
"$sef" offering put "$offering" --team bench
token=$("$sef" token create --user bench --name bench 2>/dev/null)
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
SEF_LOG=warn "$sef" serve --listen "127.0.0.1:$port" 2>"$work/serve.log" &
server=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.1; done
echo "== repository: $repo at $(git -C "$repo" rev-parse --short HEAD), offering $offering"
export SEF_TOKEN=$token
hyperfine -N -i --warmup 1 --runs 10 \
  -n "assess (no store)" "$sef assess $repo -q --no-store --format json -o /dev/null" \
  -n "assess --push" "$sef assess $repo -q --no-store --format json -o /dev/null --push http://127.0.0.1:$port"
run=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/offerings/$offering/runs?limit=1" | python3 -c 'import json,sys;print(json.load(sys.stdin)["items"][0]["id"])')
findings=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/runs/$run" | python3 -c 'import json,sys;print(json.load(sys.stdin)["findings"])')
echo "== API reads (run $run with $findings findings)"
for path in "/api/v1/runs/$run/gate" "/api/v1/runs/$run/findings?severity=high" "/api/v1/offerings/$offering/runs" "/healthz"; do
  echo "-- GET $path"
  wrk -t2 -c10 -d10s --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port$path" | grep -E "Requests/sec|Latency  |50%|99%"
done
