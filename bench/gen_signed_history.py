#!/usr/bin/env python3
"""Writes a git repository of N commits, each SSH-signed (the SSHSIG format
git uses, namespace "git") by one of four Ed25519 keys, as loose objects
written directly (fast), plus security/allowed_signers listing three of the
four keys. Needs the `cryptography` package. Deterministic keys."""
import base64, hashlib, os, struct, subprocess, sys, zlib
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
dest = sys.argv[2] if len(sys.argv) > 2 else "/tmp/sef-bench-signed/repo"
os.makedirs(dest, exist_ok=True)
subprocess.run(["git", "init", "-q", "-b", "main", dest], check=True)
objdir = os.path.join(dest, ".git", "objects")

def s(b):
    return struct.pack(">I", len(b)) + b

def write_obj(kind, body):
    data = b"%s %d\0" % (kind, len(body)) + body
    oid = hashlib.sha1(data).hexdigest()
    d = os.path.join(objdir, oid[:2])
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, oid[2:]), "wb") as f:
        f.write(zlib.compress(data, 1))
    return oid

keys = [Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"sef-bench-%d" % i).digest()) for i in range(4)]
pubs = [k.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw) for k in keys]
blobs = [s(b"ssh-ed25519") + s(p) for p in pubs]

def sshsig(key, pub_blob, message):
    h = hashlib.sha512(message).digest()
    signed = b"SSHSIG" + s(b"git") + s(b"") + s(b"sha512") + s(h)
    sig = s(b"ssh-ed25519") + s(key.sign(signed))
    blob = b"SSHSIG" + struct.pack(">I", 1) + s(pub_blob) + s(b"git") + s(b"") + s(b"sha512") + s(sig)
    b64 = base64.b64encode(blob).decode()
    lines = [b64[i:i + 70] for i in range(0, len(b64), 70)]
    return ["-----BEGIN SSH SIGNATURE-----"] + lines + ["-----END SSH SIGNATURE-----"]

blob = write_obj(b"blob", b"hello\n")
tree = write_obj(b"tree", b"100644 README\0" + bytes.fromhex(blob))
parent = None
t0 = 1_600_000_000
for i in range(n):
    who = i % 4
    head = "tree %s\n" % tree
    if parent:
        head += "parent %s\n" % parent
    ident = "Dev %d <dev%d@example.org> %d +0000" % (who, who, t0 + i)
    head += "author %s\ncommitter %s\n" % (ident, ident)
    msg = "Commit %d\n" % i
    payload = (head + "\n" + msg).encode()
    sig = sshsig(keys[who], blobs[who], payload)
    body = head + "gpgsig " + "\n ".join(sig) + "\n\n" + msg
    parent = write_obj(b"commit", body.encode())
with open(os.path.join(dest, ".git", "refs", "heads", "main"), "w") as f:
    f.write(parent + "\n")
os.makedirs(os.path.join(dest, "security"), exist_ok=True)
with open(os.path.join(dest, "security", "allowed_signers"), "w") as f:
    for i in range(3):
        f.write("dev%d@example.org ssh-ed25519 %s\n" % (i, base64.b64encode(blobs[i]).decode()))
subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=dest, check=True)
print("signed commits:", n)
