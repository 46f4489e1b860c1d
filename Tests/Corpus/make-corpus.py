#!/usr/bin/env python3
"""Writes the seed corpus of each reader fuzz target (Tests/Corpus/<target>/).

Run from the repository root: python3 Tests/Corpus/make-corpus.py. The files are
committed; this script says how they were made. Each seed is small (libFuzzer
mutates from them) and covers one form: ustar, PAX, GNU long names, base-256 sizes,
sparse headers, multi-member gzip, zstd frames, docker save and OCI layouts, ELF
section tables, and the package databases.
"""
import gzip, hashlib, io, json, os, struct, subprocess, tarfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)))


def put(target, name, data):
    os.makedirs(os.path.join(ROOT, target), exist_ok=True)
    with open(os.path.join(ROOT, target, name), "wb") as f:
        f.write(data)


def tar_of(members, fmt=tarfile.USTAR_FORMAT):
    """members: (name, bytes | None for a directory | ('sym', target) | ('hard', target))."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as tar:
        for name, content in members:
            info = tarfile.TarInfo(name)
            info.mtime = 0
            if content is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif isinstance(content, tuple):
                info.type = tarfile.SYMTYPE if content[0] == "sym" else tarfile.LNKTYPE
                info.linkname = content[1]
                tar.addfile(info)
            else:
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
    return out.getvalue()


def header(name, size_field, type_, link=b""):
    """A raw ustar header whose size field is given as bytes (base-256, sparse)."""
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = b"0000644\0"
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = size_field
    h[136:148] = b"00000000000\0"
    h[156] = type_
    h[157:157 + len(link)] = link
    h[257:265] = b"ustar\x0000"
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def pad(data):
    return data + b"\0" * ((512 - len(data) % 512) % 512)


def sha(data):
    return hashlib.sha256(data).hexdigest()


def zstd(data):
    return subprocess.run(["zstd", "-q", "-c"], input=data, capture_output=True, check=True).stdout


# tar: ustar, PAX, GNU long names, base-256 sizes, sparse, whiteouts.
ustar = tar_of([("usr/", None), ("usr/bin/tool", b"#!/bin/sh\necho hi\n"), ("usr/bin/alias", ("sym", "tool")),
                ("usr/bin/hard", ("hard", "usr/bin/tool")), ("etc/.wh.passwd", b""), ("opt/.wh..wh..opq", b"")])
long_name = "opt/" + "deep/" * 30 + "file.txt"
pax = tar_of([(long_name, b"x" * 700), ("link", ("sym", "target/" * 20))], tarfile.PAX_FORMAT)
gnu = tar_of([(long_name, b"y" * 10), ("l", ("sym", "t" * 150))], tarfile.GNU_FORMAT)
base256 = header(b"big", b"\x80" + b"\0" * 9 + b"\x02\x00", ord("0")) + pad(b"z" * 512) + b"\0" * 1024
sparse = header(b"sparse", b"00000001000\0", ord("S")) + pad(b"s" * 512) + b"\0" * 1024
for name, data in [("ustar.tar", ustar), ("pax.tar", pax), ("gnu.tar", gnu), ("base256.tar", base256),
                   ("sparse.tar", sparse), ("empty.tar", b"\0" * 1024)]:
    put("tar", name, data)

# gzip and zstd framing over tars: one member, several, trailing zeros; frames.
put("gzip", "ustar.tar.gz", gzip.compress(ustar, mtime=0))
put("gzip", "members.tar.gz", gzip.compress(pax[:1024], mtime=0) + gzip.compress(pax[1024:], mtime=0))
put("gzip", "padded.tar.gz", gzip.compress(gnu, mtime=0) + b"\0" * 16)
put("zstd", "ustar.tar.zst", zstd(ustar))
put("zstd", "frames.tar.zst", zstd(pax[:1024]) + zstd(pax[1024:]))

# docker save archives: classic, layer directories with a linked repeat, Docker 25.
layer = tar_of([("app/main.py", b"print('hi')\n")])
config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [
    "sha256:" + sha(layer), "sha256:" + sha(layer)]}, "history": [{"created_by": "/bin/sh -c #(nop) COPY . /"},
    {"created_by": "COPY x /"}, {"created_by": "CMD", "empty_layer": True}]}, sort_keys=True).encode()
cfg = sha(config) + ".json"
manifest = [{"Config": cfg, "RepoTags": ["team/app:1.0", "team/app:latest"], "Layers": [sha(layer) + ".tar"] * 2}]
put("docker-archive", "flat.tar", tar_of([(sha(layer) + ".tar", layer), (cfg, config),
                                          ("manifest.json", json.dumps(manifest).encode())]))
dirs = [("a" * 64 + "/layer.tar", layer), ("b" * 64 + "/layer.tar", ("sym", "../" + "a" * 64 + "/layer.tar")),
        ("config/image.json", config),
        ("manifest.json", json.dumps([{"Config": "./config/image.json", "RepoTags": ["x/y:latest"],
                                       "Layers": ["a" * 64 + "/layer.tar", "b" * 64 + "/layer.tar"]}]).encode())]
put("docker-archive", "linked.tar", tar_of(dirs))

# OCI layouts: index → manifest, index → index → manifests (one without platform).
def oci(nested):
    gz = gzip.compress(layer, mtime=0)
    cfg1 = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"diff_ids": ["sha256:" + sha(layer)]}}).encode()
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": {"digest": "sha256:" + sha(cfg1), "size": len(cfg1)},
                      "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                                  "digest": "sha256:" + sha(gz), "size": len(gz)}]}).encode()
    entry = {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + sha(man),
             "size": len(man), "annotations": {"org.opencontainers.image.ref.name": "latest"}}
    blobs = [gz, cfg1, man]
    index = {"schemaVersion": 2, "manifests": [entry]}
    if nested:
        inner = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                            "manifests": [dict(entry, annotations=None),
                                          dict(entry, platform={"os": "linux", "architecture": "arm64"})]}).encode()
        blobs.append(inner)
        index = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json",
                                                    "digest": "sha256:" + sha(inner), "size": len(inner)}]}
    return tar_of([("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'), ("index.json", json.dumps(index).encode())]
                  + [("blobs/sha256/" + sha(b), b) for b in blobs])
put("oci-archive", "layout.tar", oci(False))
put("oci-archive", "nested.tar", oci(True))

# The JSON of images: manifest.json, index, manifest, config.
put("image-json", "manifest.json", json.dumps(manifest).encode())
put("image-json", "null.json", b'[{"Config":null,"RepoTags":null,"Layers":["a.tar"]}]')
put("image-json", "index.json", json.dumps({"schemaVersion": 2, "manifests": [{"digest": "sha256:" + "0" * 64,
    "size": 10, "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}}]}).encode())
put("image-json", "config.json", config)
put("image-json", "reference.txt", b"docker-archive:x.tar:team/app:1.0")

# ELF: 64- and 32-bit section tables with debug sections to count.
def elf64(sections, little=True):
    e = "<" if little else ">"
    body = b"\0" * 8192
    table = b"".join(struct.pack(e + "IIQQQQIIQQ", 0, t, f, 0, 0, s, 0, 0, 1, 0) for t, f, s in sections)
    head = b"\x7fELF" + bytes([2, 1 if little else 2, 1]) + b"\0" * 9
    head += struct.pack(e + "HHIQQQIHHHHHH", 2, 62, 1, 0, 0, 64 + len(body), 0, 64, 0, 0, 64, len(sections), 0)
    return head + body + table
def elf32(sections):
    body = b"\0" * 8192
    table = b"".join(struct.pack("<IIIIIIIIII", 0, t, f, 0, 0, s, 0, 0, 1, 0) for t, f, s in sections)
    head = b"\x7fELF" + bytes([1, 1, 1]) + b"\0" * 9
    head += struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, 0, 0, 52 + 12 + len(body), 0, 52, 0, 0, 40, len(sections), 0)
    return head + b"\0" * 12 + body + table
put("elf", "elf64.bin", elf64([(3, 0, 100), (1, 0, 5000), (2, 0, 3000), (1, 2, 9000)]))
put("elf", "elf64be.bin", elf64([(3, 0, 100), (2, 0, 6000)], little=False))
put("elf", "elf32.bin", elf32([(3, 0, 100), (1, 0, 5000)]))

# Package databases.
put("dpkg", "status", b"Package: gcc-12\nStatus: install ok installed\nVersion: 12.2\nArchitecture: amd64\n"
    b"Description: x\n continued: line\n\nPackage: gone\nStatus: deinstall ok config-files\n")
put("apk", "installed", b"C:Q1abc=\nP:musl\nV:1.2.4-r2\nF:lib\nR:ld-musl-x86_64.so.1\nR:libc.musl-x86_64.so.1\n\n"
    b"P:busybox\nV:1.36\nF:bin\nR:busybox\n")
put("record", "RECORD", b'torch/__init__.py,sha256=x,300\r\n"odd,name.py",,5\r\n../../../bin/torchrun,,40\r\n')
put("record", "METADATA", b"Metadata-Version: 2.1\nName: Torch_Nightly\nVersion: 2.5.1\n\nbody\n")
put("npm", "package.json", b'{"name":"@scope/pkg","version":"1.0.0","dependencies":{"a":"^1"}}')
put("npm", "odd.json", b'{"name":1,"version":["x"],"nested":[[[[{}]]]]}')

# Dockerfiles: every construct the parser and the layer map read (heredocs with and
# without quotes and dashes, continuations, the escape directive, ARG expansion with
# defaults, stages and COPY --from), and a Windows-style one (escape=`, CRLF). After
# a NUL, the layers' created_by lines the map matches them against, in each builder's
# form (BuildKit, the classic builder and buildah, an empty line for none).
history = (b"\0/bin/sh -c #(nop) ADD file:0123 in / \n\n"
           b"|2 BASE=python VERSION=1.0 /bin/sh -c pip install --no-cache-dir -r requirements.txt\n"
           b"WORKDIR /src\nCOPY requirements.txt ./ # buildkit\n"
           b"RUN /bin/sh -c set -e # buildkit\n/bin/sh -c #(nop) COPY dir:abc in /app ")
put("dockerfile", "stages", b"""# syntax=docker/dockerfile:1
ARG BASE=python:3.11-slim
FROM ${BASE} AS build
ARG VERSION="1.0"
WORKDIR /src
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt \\
  && rm -rf /root/.cache
RUN <<EOF
set -e
echo $((1<<4)) "<<not"
EOF
RUN 2<<-'END' cat > /x
\tbody
END
FROM build AS runtime
COPY --from=build --chown=app:app /src /app
COPY <<E"O"F /app/file
text
EOF
ADD app.tar /opt/${VERSION:-1}/
ENV PATH=/app/bin:$PATH
CMD ["python", "-m", "app"]
""" + history)
put("dockerfile", "escape", b"# escape=`\r\nFROM mcr.microsoft.com/windows/servercore AS base\r\n"
    b"RUN powershell -Command `\r\n  Write-Host hi\r\nCOPY . C:\\app\r\nRUN dir C:\\\r\n")
