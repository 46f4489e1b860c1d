#!/usr/bin/env python3
"""gen-history.py DIR COMMITS — a repository of COMMITS commits made with git fast-import:
a first-parent line on main where every 20th commit merges a one-commit side branch,
each commit changing one file. Prints the time it took."""
import os, subprocess, sys, time

path, total = sys.argv[1], int(sys.argv[2])
t0 = time.time()
subprocess.run(["git", "init", "-q", "-b", "main", path], check=True)
p = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=path, stdin=subprocess.PIPE)
w = p.stdin.write
mark = 0
when = 1_600_000_000
def commit(ref, parents, n, msg):
    global mark, when
    mark += 1; when += 60
    data = f"change {n}\n".encode()
    body = msg.encode()
    w(f"commit {ref}\nmark :{mark}\ncommitter Bench <bench@example.com> {when} +0000\n".encode())
    w(f"data {len(body)}\n".encode() + body + b"\n")
    if parents:
        w(f"from :{parents[0]}\n".encode())
        for extra in parents[1:]:
            w(f"merge :{extra}\n".encode())
    w(f"M 644 inline src/f{n % 500}.txt\ndata {len(data)}\n".encode() + data + b"\n")
    return mark
head = None
n = 0
while n < total:
    if head and n % 20 == 19 and n + 2 <= total:
        side = commit("refs/heads/side", [head], n, f"side work {n}"); n += 1
        head = commit("refs/heads/main", [head, side], n, f"merge side {n}"); n += 1
    else:
        head = commit("refs/heads/main", [head] if head else [], n, f"commit {n}"); n += 1
p.stdin.close()
if p.wait() != 0:
    sys.exit("fast-import failed")
subprocess.run(["git", "-C", path, "checkout", "-q", "main"], check=True)
print(f"{path}: {total} commits in {time.time()-t0:.1f} s", file=sys.stderr)
