#!/usr/bin/env python3
"""gen-bisect-repo.py DIR COMMITS CULPRIT [DAYS] — a history for bisect: COMMITS
commits on main, about 5 % of them touching app/ (the image's context) with small
files, the rest docs/; commit number CULPRIT adds a 3 MB incompressible file to app/.
With DAYS, the commits' dates spread over the last DAYS days (for reports). The
repository carries budgets.toml and build.sh (scripts/build-oci.sh)."""
import os, random, shutil, subprocess, sys, time

path, total, culprit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
days = float(sys.argv[4]) if len(sys.argv) > 4 else 0
now = time.time()
here = os.path.dirname(os.path.abspath(__file__))
random.seed(42)
subprocess.run(["git", "init", "-q", "-b", "main", path], check=True)
authors = ["Ada <ada@example.com>", "Grace <grace@example.com>", "Linus <linus@example.com>"]
def git(*args, n=0):
    env = dict(os.environ)
    if days:
        stamp = f"{int(now - (total - n) * days * 86400 / total)} +0000"
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = stamp
    name, email = authors[n % len(authors)].rstrip(">").split(" <")
    subprocess.run(["git", "-c", f"user.name={name}", "-c", f"user.email={email}", *args], cwd=path, check=True, env=env)
os.makedirs(f"{path}/app", exist_ok=True); os.makedirs(f"{path}/docs", exist_ok=True)
shutil.copy(os.path.join(here, "..", "scripts", "build-oci.sh"), f"{path}/build.sh")
with open(f"{path}/budgets.toml", "w") as f:
    f.write('[image.app]\ncontext = ["app/"]\nbuild = "sh build.sh"\nmax = "2 MB"\n')
with open(f"{path}/app/main.py", "w") as f:
    f.write("print('hello')\n")
git("add", "-A"); git("commit", "-q", "-m", "initial")
for n in range(1, total):
    if n == culprit:
        with open(f"{path}/app/model.bin", "wb") as f:
            f.write(random.randbytes(3_000_000))
        message = f"commit {n}: add the model weights"
    elif random.random() < 0.05:
        with open(f"{path}/app/module{n}.py", "w") as f:
            f.write(f"VALUE = {n}\n" * 20)
        message = f"commit {n}: app change"
    else:
        with open(f"{path}/docs/page{n % 50}.md", "w") as f:
            f.write(f"docs {n}\n")
        message = f"commit {n}: docs"
    git("add", "-A"); git("commit", "-q", "-m", message, n=n)
print(f"{path}: {total} commits, culprit {culprit}", file=sys.stderr)
