#!/usr/bin/env python3
"""Portfolio load for bench/portfolio.sh.

capture PORT OUT        serve once on 127.0.0.1:PORT, write the body of the
                        first POST (a real `sef assess --push` upload) to OUT
load URL TOKEN TEMPLATE OFFERINGS RELEASES COMPONENTS
                        register OFFERINGS offerings (20 teams, 8 business
                        units) and upload RELEASES releases of each, every
                        one with COMPONENTS generated crates.io components in
                        its inventory: 50 from a core of 100 popular crates
                        (each in about half the releases) and the rest from a
                        long tail of 10,000 (each in about 2 % of them).
                        Four uploads at a time. Prints uploads per second.
unique TEMPLATE OUT     rewrite every id in an upload as
                        XXXXXXXX-<counter>, so that wrk's Lua script can make
                        each request's ids unique by one substitution
"""
import http.server
import json
import random
import re
import sys
import threading
import time
import urllib.request
import uuid
import zlib
from concurrent.futures import ThreadPoolExecutor


def capture(port, out):
    class H(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            n = int(self.headers["content-length"])
            with open(out, "wb") as f:
                f.write(self.rfile.read(n))
            self.send_response(500)
            self.end_headers()
            threading.Thread(target=srv.shutdown).start()

        def log_message(self, *a):
            pass

    srv = http.server.HTTPServer(("127.0.0.1", int(port)), H)
    srv.serve_forever()


def request(url, token, method, path, body):
    req = urllib.request.Request(
        url + path,
        data=body,
        method=method,
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=120) as r:
        return r.status


def new_id():
    # UUID v7 layout: time-ordered, as sef makes them
    ms = int(time.time() * 1000)
    r = uuid.uuid4().int
    v = (ms << 80) | (0x7 << 76) | ((r >> 64) & 0x0FFF) << 64 | (0b10 << 62) | (r & ((1 << 62) - 1))
    return str(uuid.UUID(int=v))


def reid(obj):
    """Fresh ids for the run, its evidence and its findings."""
    run = obj["run"]
    run["id"] = new_id()
    for e in run["evidence"]:
        e["id"] = new_id()
    for f in run["findings"]:
        f["id"] = new_id()


def load(url, token, template, offerings, releases, components):
    offerings, releases, components = int(offerings), int(releases), int(components)
    tmpl = json.load(open(template))
    plan = tmpl["plan_files"][0]["text"]
    inv = next(e for e in tmpl["run"]["evidence"] if e["kind"] == "inventory")
    model = dict(inv["payload"]["components"][0])
    rnd = random.Random(7)
    core = [f"core-{i}" for i in range(100)]
    tail = [f"lib-{i}" for i in range(10_000)]

    def component(name, release_no):
        c = dict(model)
        version = f"1.{zlib.crc32(name.encode()) % 20}.{release_no}"
        direct = rnd.random() < 0.3
        c.update(
            name=name,
            version=version,
            purl=f"pkg:cargo/{name}@{version}",
            direct=direct,
            path=[] if direct else [rnd.choice(core), name],
            depends_on=[],
            first_party=False,
        )
        c.pop("checksum", None)
        return c

    for i in range(offerings):
        team = f"team-{i % 20}"
        unit = f"unit-{i % 8}"
        body = json.dumps({"team": team, "business_unit": unit}).encode()
        request(url, token, "PUT", f"/api/v1/offerings/off-{i:04d}", body)

    def one(job):
        i, r = job
        up = json.loads(json.dumps(tmpl))
        name, version = f"off-{i:04d}", f"{r + 1}.0.0"
        up["run"]["offering"]["name"] = name
        up["run"]["offering"]["owner_team"] = f"team-{i % 20}"
        up["run"]["release"]["version"] = version
        text = re.sub(r'(?m)^name = ".*"$', f'name = "{name}"', plan, count=1)
        text = re.sub(r'(?m)^version = ".*"$', f'version = "{version}"', text, count=1)
        up["plan_files"][0]["text"] = text
        names = rnd.sample(core, 50) + rnd.sample(tail, components - 50)
        e = next(e for e in up["run"]["evidence"] if e["kind"] == "inventory")
        e["payload"]["components"] = [component(n, r) for n in names]
        reid(up)
        return request(url, token, "POST", "/api/v1/runs", json.dumps(up).encode())

    jobs = [(i, r) for r in range(releases) for i in range(offerings)]
    t0 = time.time()
    with ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(one, jobs))
    dt = time.time() - t0
    bad = [c for c in codes if c != 201]
    if bad:
        sys.exit(f"{len(bad)} uploads were refused: {bad[:5]}")
    print(f"loaded {len(jobs)} releases x {components} components in {dt:.1f} s: {len(jobs) / dt:.1f} uploads/s")


def unique(template, out):
    up = json.load(open(template))
    run = up["run"]
    n = 0

    def mark():
        nonlocal n
        n += 1
        return f"XXXXXXXX-{n:04x}-7000-8000-000000000000"

    run["id"] = mark()
    for e in run["evidence"]:
        e["id"] = mark()
    for f in run["findings"]:
        f["id"] = mark()
    json.dump(up, open(out, "w"))
    print(f"{len(run['findings'])} findings")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"capture": capture, "load": load, "unique": unique}[cmd](*args)
