#!/usr/bin/env bash
# gen-predict-push.sh DIR SIZEBUDGET IMAGE — a repository whose first commit is
# measured (IMAGE, a real OCI layout) and 50 unmeasured commits after it that add 200
# files under app/ (4 each, 2–20 kB of random text): what a developer pushes before
# CI has built anything. budgets.toml predicts with the Dockerfile's COPY lines.
set -euo pipefail
dir=$1 sb=$2 image=$3
git init -q -b main "$dir"
cd "$dir"
g() { git -c user.name=bench -c user.email=bench@example.com "$@"; }
mkdir -p app docs
printf 'FROM python:3.11-slim\nCOPY requirements.txt /tmp/\nRUN pip install -r /tmp/requirements.txt\nWORKDIR /srv\nCOPY app/ app/\n' > Dockerfile
printf 'fastapi==0.115.12\n' > requirements.txt
printf '[image.api]\ncontext = ["app/", "Dockerfile", "requirements.txt"]\ndockerfile = "Dockerfile"\nmax = "1 GB"\nmax_growth = "+5%%"\n\n[hook]\npredict = "refuse"\n' > budgets.toml
echo "print('hi')" > app/main.py
g add -A && g commit -q -m base
"$sb" measure "oci:$image" --image api >/dev/null
python3 - <<'PY'
import random, subprocess
random.seed(20)
for n in range(50):
    for k in range(4):
        with open(f"app/module_{n}_{k}.py", "w") as f:
            f.write("".join(random.choice("abcdefghij =+\n") for _ in range(random.randint(2_000, 20_000))))
    subprocess.run(["git", "add", "-A"], check=True)
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m",
                    f"commit {n}: 4 modules"], check=True)
PY
