#!/usr/bin/env python3
"""gen-bisect-repo.py DIR COMMITS CULPRIT — a history for bisect: COMMITS commits on
main, about 5 % of them touching app/ (the image's context) with small files, the
rest docs/; commit number CULPRIT adds a 3 MB incompressible file to app/. The
repository carries budgets.toml and build.sh (scripts/build-oci.sh)."""
import os, random, shutil, subprocess, sys

path, total, culprit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
here = os.path.dirname(os.path.abspath(__file__))
random.seed(42)
subprocess.run(["git", "init", "-q", "-b", "main", path], check=True)
def git(*args):
    subprocess.run(["git", "-c", "user.name=Gen", "-c", "user.email=gen@example.com", *args], cwd=path, check=True)
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
    git("add", "-A"); git("commit", "-q", "-m", message)
print(f"{path}: {total} commits, culprit {culprit}", file=sys.stderr)
