#!/usr/bin/env python3
"""An independent count of package sizes in an unpacked root filesystem.

Used by the tests to check `sizebudget packages` against the distributions' own
tools: Python's importlib.metadata (the files each RECORD lists) for every
site-packages given, and dpkg-query -L for Debian packages.

    package-sizes.py ROOTFS [SITE-PACKAGES ...]   (site-packages as paths in the image)

Prints JSON: {"deb": {name: bytes}, "python": {"SITE:name": bytes}}. A file counts
once, by its regular-file size (symlinks weigh nothing, a hard link's bytes go to
the first name met), as the image's layers store it.
"""

import importlib.metadata
import json
import os
import re
import stat
import subprocess
import sys


def regular_size(path, seen):
    """The bytes of a regular file not counted yet; 0 for anything else."""
    try:
        info = os.lstat(path)
    except OSError:
        return 0
    if not stat.S_ISREG(info.st_mode) or (info.st_dev, info.st_ino) in seen:
        return 0
    seen.add((info.st_dev, info.st_ino))
    return info.st_size


def inside(root, path):
    """ROOT + PATH with directory symlinks resolved inside ROOT, not on the host."""
    parts = [p for p in path.split("/") if p]
    resolved = []
    hops = 0
    while parts:
        part = parts.pop(0)
        if part in ("", "."):
            continue
        if part == "..":
            if resolved:
                resolved.pop()
            continue
        candidate = os.path.join(root, *resolved, part)
        if parts and os.path.islink(candidate) and hops < 40:
            hops += 1
            target = os.readlink(candidate)
            if target.startswith("/"):
                resolved = []
            parts = [p for p in target.split("/") if p] + parts
            continue
        resolved.append(part)
    return os.path.join(root, *resolved)


def debian(root):
    admin = os.path.join(root, "var/lib/dpkg")
    if not os.path.exists(os.path.join(admin, "status")):
        return {}
    listing = subprocess.run(
        ["dpkg-query", "--admindir", admin, "-W", "-f", "${Package}\t${db:Status-Abbrev}\n"],
        check=True, capture_output=True, text=True).stdout
    sizes = {}
    seen = set()
    for line in listing.splitlines():
        name, status = line.split("\t")
        if not status.startswith("ii"):
            continue
        files = subprocess.run(["dpkg-query", "--admindir", admin, "-L", name],
                               check=True, capture_output=True, text=True).stdout
        sizes[name] = sum(regular_size(inside(root, f), seen) for f in files.splitlines() if f.startswith("/"))
    return sizes


def python(root, site):
    sizes = {}
    seen = set()
    for dist in importlib.metadata.distributions(path=[inside(root, site)]):
        name = re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower()
        files = dist.files or []
        sizes[f"{site}:{name}"] = sum(regular_size(str(dist.locate_file(f)), seen) for f in files)
    return sizes


def main():
    root, sites = sys.argv[1], sys.argv[2:]
    result = {"deb": debian(root), "python": {}}
    for site in sites:
        result["python"].update(python(root, site))
    json.dump(result, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
