#!/usr/bin/env bash
# Portfolio queries under load (issue 21): a portfolio of OFFERINGS x
# RELEASES releases with COMPONENTS components each (default 1,000 x 5 x
# 500 = 2.5 M component rows) loaded through the API into `sef serve`, then
# wrk on loopback (2 threads, 8 connections, 20 s) against
#   * who ships a long-tail package within a version range (in ~2 % of
#     releases) and a core package (in ~half of them: ~2,500 rows answered),
#   * the portfolio KPI summary by team and by business unit,
# and run uploads with 1,000 findings each for 60 s (wrk, 4 connections, a
# Lua script that gives every request fresh ids). Server, database and load
# tool share this machine. SQLite by default; SEF_BENCH_DB=postgres://…
# for PostgreSQL (an empty database is yours to give).
#
# Usage: bench/portfolio.sh [SEF_BINARY] [OFFERINGS RELEASES COMPONENTS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sef=${1:-$here/../target/release/sef}
offerings=${2:-1000}
releases=${3:-5}
components=${4:-500}
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
db=${SEF_BENCH_DB:-$work/sef.db}
export SEF_DATABASE_URL=$db HOME=$work
SEF_USER_PASSWORD='bench password 123' "$sef" user add bench
"$sef" user grant bench admin global
"$sef" offering put tmpl --team bench
token=$("$sef" token create --user bench --name bench 2>/dev/null)
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# two real uploads made by `sef assess --push`, captured: ripgrep's
# workspace (its inventory is replaced by generated components), and a
# repository with 1,000 leaked-token lines (1,000 secret findings)
repo=$work/tmpl
mkdir -p "$repo"
cp -r "$here/../crates/sef-cli/tests/fixtures/ripgrep-workspace/." "$repo/"
printf '[offering]\nname = "tmpl"\n[release]\nversion = "0.0.0"\n' >"$repo/sef.toml"
capture() { # REPO OUT
  local p; p=$(free_port)
  python3 "$here/portfolio_load.py" capture "$p" "$2" &
  local cap=$!
  # a cold python can take longer than any fixed sleep: wait for the port
  until python3 -c 'import socket,sys;socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$p" 2>/dev/null; do sleep 0.1; done
  SEF_TOKEN=$token "$sef" assess "$1" -q --no-store --push "http://127.0.0.1:$p" >/dev/null 2>"$work/capture.err" || true
  wait $cap
}
capture "$repo" "$work/portfolio.json"
noisy=$work/noisy
mkdir -p "$noisy"
printf '[offering]\nname = "tmpl"\n[release]\nversion = "0.0.0"\n' >"$noisy/sef.toml"
python3 -c '
import random,string
r=random.Random(1)
for i in range(1000):
    print("token_%d = \"ghp_%s\"" % (i, "".join(r.choice(string.ascii_letters+string.digits) for _ in range(36))))' >"$noisy/tokens.py"
capture "$noisy" "$work/noisy.json"
python3 "$here/portfolio_load.py" unique "$work/noisy.json" "$work/upload-template.json"

port=$(free_port)
SEF_LOG=warn "$sef" serve --listen "127.0.0.1:$port" 2>"$work/serve.log" &
server=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.1; done
base=http://127.0.0.1:$port
echo "work: $work"
echo "== store: ${SEF_BENCH_DB:-SQLite}; portfolio $offerings x $releases x $components"
python3 "$here/portfolio_load.py" load "$base" "$token" "$work/portfolio.json" "$offerings" "$releases" "$components"

q() { # NAME PATH
  echo "-- $1: GET $2"
  local out
  out=$(curl -sf -H "Authorization: Bearer $token" "$base$2")
  echo "   answer: $(printf '%s' "$out" | python3 -c 'import json,sys;d=json.load(sys.stdin);print({k:v for k,v in d.items() if k in ("releases","offerings","unknown")} if "rows" in d else "%d groups" % len(d["groups"]))') ($(printf '%s' "$out" | wc -c) bytes)"
  wrk -t2 -c8 -d${QUERY_SECONDS:-20}s --latency -H "Authorization: Bearer $token" "$base$2" | grep -E "Requests/sec|50%|90%|99%"
}
q "who ships a long-tail package in a range" "/api/v1/portfolio/ships?purl=pkg:cargo/lib-4242&range=%3E%3D1.0.0,%3C1.99.3"
q "who ships a core package in a range" "/api/v1/portfolio/ships?purl=pkg:cargo/core-7&range=%3E%3D1.0.0,%3C1.99.3"
q "KPI summary by team" "/api/v1/portfolio/kpis?by=team"
q "KPI summary by business unit, every release" "/api/v1/portfolio/kpis?by=business-unit&releases=all"

echo "-- uploads with $(python3 -c 'import json,sys;print(len(json.load(open(sys.argv[1]))["run"]["findings"]))' "$work/upload-template.json") findings each, 60 s"
cat >"$work/upload.lua" <<LUA
local f = io.open("$work/upload-template.json", "rb")
local template = f:read("*a")
f:close()
local n = 0
local threads = 0
-- each thread's state gets its number as the global thread_no
setup = function(thread) threads = threads + 1; thread:set("thread_no", threads) end
request = function()
  n = n + 1
  local body = template:gsub("XXXXXXXX", string.format("%02x%06x", thread_no, n))
  return wrk.format("POST", "/api/v1/runs", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer $token"}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("   completed %d uploads, %d errors (status), %.1f uploads/s\n", summary.requests, summary.errors.status, summary.requests / (summary.duration / 1e6)))
end
LUA
wrk -t2 -c4 -d${UPLOAD_SECONDS:-60}s --timeout 30s --latency -s "$work/upload.lua" "$base/api/v1/runs" | grep -E "uploads|50%|99%|Non-2xx"
