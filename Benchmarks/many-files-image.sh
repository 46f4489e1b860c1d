#!/usr/bin/env bash
# many-files-image.sh N — a docker-archive whose one layer holds N small files (issue 16:
# memory must stay flat in the number of files), built once and cached. The files are a
# venv's worth of Python packages: 100 files per package, each with a dist-info RECORD
# (so package attribution runs as on a real image), bytecode beside the sources.
# Output: $BIG_WORK/many-<N>-<key>/many.docker.tar (default /tmp/sizebudget-big); prints
# the archive's path on its last line.
set -euo pipefail
N=${1:?usage: many-files-image.sh FILES}
WORK=${BIG_WORK:-/tmp/sizebudget-big}
KEY=$(sha256sum "$0" | cut -c1-12)
OUT="$WORK/many-$N-$KEY"
if [ -f "$OUT/.complete" ]; then echo "$OUT/many.docker.tar"; exit 0; fi
rm -rf "$OUT"; mkdir -p "$OUT"
python3 - "$N" "$OUT" <<'PY'
import hashlib, io, json, os, sys, tarfile
n, out = int(sys.argv[1]), sys.argv[2]
site = "opt/venv/lib/python3.11/site-packages"
layer = os.path.join(out, "layer.tar")
def add(tar, name, data):
    info = tarfile.TarInfo(name); info.size = len(data); info.mtime = 0; info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))
with tarfile.open(layer, "w", format=tarfile.PAX_FORMAT) as tar:
    written = 0; package = 0
    while written < n:
        name = f"pkg{package:05d}"; records = []
        for i in range(min(98, n - written - 2)):
            path = f"{name}/__pycache__/m{i:03d}.cpython-311.pyc" if i % 3 == 2 else f"{name}/m{i:03d}.py"
            data = (f"# {path}\n" + "x = 1\n" * (20 + (written * 7919) % 300)).encode()
            add(tar, f"{site}/{path}", data); records.append(f"{path},,{len(data)}"); written += 1
        dist = f"{name}-1.0.dist-info"
        add(tar, f"{site}/{dist}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n".encode())
        records += [f"{dist}/METADATA,,", f"{dist}/RECORD,,"]
        add(tar, f"{site}/{dist}/RECORD", ("\n".join(records) + "\n").encode()); written += 2
        package += 1
diff_id = "sha256:" + hashlib.sha256(open(layer, "rb").read()).hexdigest()
config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [diff_id]},
                     "history": [{"created_by": f"RUN pip install ({n} files)"}], "config": {}}).encode()
config_name = hashlib.sha256(config).hexdigest() + ".json"
manifest = json.dumps([{"Config": config_name, "RepoTags": [f"many:{n}"], "Layers": ["layer/layer.tar"]}]).encode()
with tarfile.open(os.path.join(out, "many.docker.tar"), "w") as archive:
    archive.add(layer, "layer/layer.tar")
    add(archive, config_name, config); add(archive, "manifest.json", manifest)
os.remove(layer)
PY
touch "$OUT/.complete"
echo "$OUT/many.docker.tar"
