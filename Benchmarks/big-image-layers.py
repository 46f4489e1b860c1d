#!/usr/bin/env python3
"""Per layer of the big benchmark image: gzip blob size (OCI manifest), zstd blob size,
uncompressed tar size (docker-archive member) and diff id; the truth the compressed-size
estimate is compared with."""
import json, os, sys, tarfile

out = sys.argv[1]


def manifest(layout):
    index = json.load(open(os.path.join(layout, "index.json")))
    digest = index["manifests"][0]["digest"].split(":")[1]
    m = json.load(open(os.path.join(layout, "blobs/sha256", digest)))
    config = json.load(open(os.path.join(layout, "blobs/sha256", m["config"]["digest"].split(":")[1])))
    return m, config


gz, config = manifest(os.path.join(out, "big.oci"))
zst, _ = manifest(os.path.join(out, "big-zstd.oci"))
members = {}
with tarfile.open(os.path.join(out, "big.docker.tar")) as archive:
    for member in archive:
        members[member.name] = member.size
diff_ids = config["rootfs"]["diff_ids"]
print(f"{'#':>3} {'gzip':>12} {'zstd':>12} {'tar':>12}  diff_id")
for i, (layer, z, diff) in enumerate(zip(gz["layers"], zst["layers"], diff_ids)):
    hexid = diff.split(":")[1]
    size = members.get(f"{hexid}.tar", members.get(f"{hexid}", "?"))
    print(f"{i:>3} {layer['size']:>12} {z['size']:>12} {size:>12}  {diff}")
