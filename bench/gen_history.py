#!/usr/bin/env python3
"""Writes a git repository with N commits through `git fast-import`: a
tree of 2,000 files in 40 directories (a tenth under vendor/), each commit
changing 1-4 files, a third carrying Reviewed-by/Signed-off-by trailers,
every 50th commit a merge of a two-commit side branch with GitHub's merge
subject, 40 authors, and a tag every 1,000 commits. Deterministic."""
import random, subprocess, sys, os

n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
dest = sys.argv[2] if len(sys.argv) > 2 else "/tmp/sef-bench-history/repo"
rng = random.Random(8)
os.makedirs(dest, exist_ok=True)
subprocess.run(["git", "init", "-q", "-b", "main", dest], check=True)
files = []
for d in range(40):
    top = "vendor/lib%02d" % d if d < 4 else "src/mod%02d" % d
    for f in range(50):
        files.append("%s/file%03d.rs" % (top, f))
people = [("Dev %02d" % i, "dev%02d@example.org" % i) for i in range(40)]
out = []
mark = 0
t0 = 1_600_000_000

def blob(data):
    global mark
    mark += 1
    b = data.encode()
    out.append(b"blob\nmark :%d\ndata %d\n%s\n" % (mark, len(b), b))
    return mark

def commit(ref, who, when, msg, parents, changes):
    global mark
    mark += 1
    m = msg.encode()
    rec = [b"commit %s\nmark :%d\n" % (ref.encode(), mark),
           b"author %s <%s> %d +0000\n" % (who[0].encode(), who[1].encode(), when),
           b"committer %s <%s> %d +0000\n" % (who[0].encode(), who[1].encode(), when),
           b"data %d\n%s\n" % (len(m), m)]
    if parents:
        rec.append(b"from :%d\n" % parents[0])
        for p in parents[1:]:
            rec.append(b"merge :%d\n" % p)
    for path, bm in changes:
        rec.append(b"M 100644 :%d %s\n" % (bm, path.encode()))
    out.append(b"".join(rec) + b"\n")
    return mark

def message(i, who):
    subject = "Change %d in the parser" % i
    if rng.random() < 0.33:
        reviewer = people[(people.index(who) + 1) % len(people)]
        return "%s\n\nDetails of the change.\n\nReviewed-by: %s <%s>\nSigned-off-by: %s <%s>\n" % (
            subject, reviewer[0], reviewer[1], who[0], who[1])
    return subject + "\n"

# the initial tree
changes = [(f, blob("// %s\n" % f)) for f in files]
head = commit("refs/heads/main", people[0], t0, "Initial import\n", [], changes)
count = 1
i = 0
while count < n:
    i += 1
    who = rng.choice(people)
    when = t0 + count * 60
    if i % 50 == 0 and count + 3 <= n:
        side = head
        for k in range(2):
            ch = [(rng.choice(files), blob("side %d %d\n" % (i, k)))]
            side = commit("refs/heads/side", who, when + k, "Side work %d.%d\n" % (i, k), [side], ch)
        head = commit("refs/heads/main", people[0], when + 5,
                      "Merge pull request #%d from dev/side-%d\n" % (i, i), [head, side], [])
        count += 3
    else:
        ch = [(rng.choice(files), blob("v %d %d\n" % (i, k))) for k in range(rng.randint(1, 4))]
        head = commit("refs/heads/main", who, when, message(i, who), [head], ch)
        count += 1
    if count % 1000 == 0:
        out.append(b"reset refs/tags/v%d.0.0\nfrom :%d\n\n" % (count // 1000, head))
p = subprocess.run(["git", "fast-import", "--quiet"], input=b"".join(out), cwd=dest)
p.check_returncode()
subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=dest, check=True)
subprocess.run(["git", "branch", "-q", "-D", "side"], cwd=dest)
print("commits:", subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=dest,
      capture_output=True, text=True).stdout.strip())
