#!/usr/bin/env python3
"""Writes a labelled secret-detection corpus.

usage: gen_secrets_corpus.py RULES.json OUT_DIR

RULES.json is `sef secrets rules --format json`: each built-in rule's
positive example (a made-up credential in the service's format) is planted
once in a realistic source file; look-alikes that are not secrets (hashes,
UUIDs, commit ids, placeholders, test fixtures, environment references,
public keys, base64 data) are planted beside them. Files are Python, Go,
Java, JavaScript, Rust, YAML, Terraform, shell, .env and JSON, with filler
code around the plants. OUT_DIR.labels.json (beside the corpus, so no
tool scans it) lists every plant: file, first
line, number of lines, and whether it is a secret. Deterministic."""
import json, os, random, sys, hashlib, uuid, base64

rules = json.load(open(sys.argv[1]))["rules"]
out = sys.argv[2]
rng = random.Random(42)
os.makedirs(out, exist_ok=True)

FILLER = {
    "py": ["import os", "def handler(event, context):", "    items = [x for x in range(10)]", "    return {'status': 200}",
           "class Client:", "    def __init__(self, url):", "        self.url = url", "logger = logging.getLogger(__name__)"],
    "go": ["package main", "import \"fmt\"", "func main() {", "\tfmt.Println(\"hello\")", "}", "type Config struct {", "\tName string", "}"],
    "java": ["package com.acme;", "public class Service {", "    private final Repo repo;", "    public int size() { return 0; }", "}"],
    "js": ["const express = require('express');", "const app = express();", "app.get('/', (req, res) => res.send('ok'));", "module.exports = app;"],
    "rs": ["use std::io;", "fn main() {", "    let v: Vec<u8> = Vec::new();", "    println!(\"{}\", v.len());", "}"],
    "yaml": ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: app", "data:", "  LOG_LEVEL: info"],
    "tf": ["resource \"aws_s3_bucket\" \"logs\" {", "  bucket = \"acme-logs\"", "}", "variable \"region\" {", "  default = \"eu-west-1\"", "}"],
    "sh": ["#!/bin/sh", "set -eu", "echo starting", "cd /srv/app", "exec ./server"],
    "env": ["LOG_LEVEL=info", "PORT=8080", "NODE_ENV=production"],
    "json": ["{", "  \"name\": \"app\",", "  \"version\": \"1.0.0\",", "  \"private\": true", "}"],
}
EXT = list(FILLER)

def decoys():
    h = lambda s: hashlib.sha256(s.encode()).hexdigest()
    out = []
    for i in range(40):
        out.append(f"sha256 = \"{h(str(i))}\"")
        out.append(f"commit = \"{hashlib.sha1(str(i).encode()).hexdigest()}\"")
        out.append(f"request_id = \"{uuid.UUID(int=rng.getrandbits(128))}\"")
        out.append(f"checksum: {hashlib.md5(str(i).encode()).hexdigest()}")
    for name in ["API_KEY", "SECRET_KEY", "AUTH_TOKEN", "DB_PASSWORD", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "STRIPE_KEY", "SLACK_TOKEN"]:
        out += [
            f"{name} = os.environ[\"{name}\"]",
            f"{name} = \"${{{name}}}\"",
            f"{name} = \"your-{name.lower().replace('_', '-')}-here\"",
            f"{name} = \"<{name.lower()}>\"",
            f"{name} = \"xxxxxxxxxxxxxxxxxxxxxxxx\"",
            f"{name} = \"changeme\"",
            f"{name} = \"{{{{ .Values.{name.lower()} }}}}\"",
            f"{name} = get_secret(\"{name.lower()}\")",
            f"{name}=${{{{ secrets.{name} }}}}",
            f"{name} = \"\"",
            f"{name} = None  # set at deploy time",
            f"{name} = \"test\"",
            f"{name} = \"dummy\"",
            f"{name} = \"placeholder\"",
        ]
    for i in range(20):
        out.append(f"image = \"data:image/png;base64,{base64.b64encode(bytes(rng.getrandbits(8) for _ in range(24))).decode()}\"")
        out.append(f"version = \"{rng.randint(0,9)}.{rng.randint(0,99)}.{rng.randint(0,999)}\"")
        out.append(f"url = \"https://example.com/api/v{i}/items?page={i}\"")
        out.append(f"password_hint = \"at least {8 + i % 8} characters\"")
        out.append(f"ssh_public = \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{base64.b64encode(bytes(rng.getrandbits(8) for _ in range(30))).decode()} dev@host\"")
    return out

files = {}
labels = []

def place(lines, secret, rule):
    ext = rng.choice(EXT)
    name = f"src/{ext}/mod{rng.randint(0, 59):02d}.{ext}"
    body = files.setdefault(name, [])
    if not body:
        body += rng.sample(FILLER[ext], k=min(3, len(FILLER[ext])))
    for _ in range(rng.randint(1, 6)):
        body.append(rng.choice(FILLER[ext]))
    start = len(body) + 1
    body += lines
    labels.append({"file": name, "line": start, "lines": len(lines), "secret": secret, "rule": rule})
    for _ in range(rng.randint(1, 4)):
        body.append(rng.choice(FILLER[ext]))

plants = [(r["positive"].split("\n"), True, r["id"]) for r in rules]
plants += [([d], False, None) for d in decoys()]
rng.shuffle(plants)
for lines, secret, rule in plants:
    place(lines, secret, rule)
for name, body in files.items():
    p = os.path.join(out, name)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write("\n".join(body) + "\n")
json.dump(labels, open(out.rstrip("/") + ".labels.json", "w"), indent=1)
print(f"{len(files)} files, {sum(l['secret'] for l in labels)} secrets, {sum(not l['secret'] for l in labels)} look-alikes")
