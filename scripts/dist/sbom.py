#!/usr/bin/env python3
"""sbom.py STAGE VERSION — a CycloneDX 1.6 JSON bill of materials of what the release
archive ships: sizebudget itself, the Swift runtime and swift-argument-parser linked
into it, and each Debian package a bundled library under lib/ comes from (read from
STAGE/lib/.list, "soname package version" per line, written by dist.sh), and each
package a statically linked C library comes from (STAGE/lib/.static, "archive
package version", from the same script). Licences
are the License: names of each package's machine-readable Debian copyright file."""
import hashlib
import json
import os
import re
import sys
import uuid

stage, version = sys.argv[1], sys.argv[2]
licenses_dir = os.path.join(stage, "share/doc/sizebudget/licenses")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def debian_licenses(package):
    """The distinct License: short names in a DEP-5 copyright file, in order."""
    names = []
    with open(os.path.join(licenses_dir, package + ".copyright"), errors="replace") as f:
        for line in f:
            m = re.match(r"License:\s*(\S.*)$", line)
            if m and m.group(1).strip() not in names:
                names.append(m.group(1).strip())
    return [{"license": {"name": n}} for n in names] or [{"license": {"name": "see " + package + ".copyright"}}]


packages = {}
with open(os.path.join(stage, "lib/.list")) as f:
    for line in f:
        soname, package, pversion = line.split()
        packages.setdefault((package, pversion), []).append(soname)

linked = {}
with open(os.path.join(stage, "lib/.static")) as f:
    for line in f:
        archive, package, pversion = line.split()
        linked.setdefault((package, pversion), []).append(archive)

components = [
    {
        "type": "library",
        "bom-ref": "swift-runtime",
        "name": "swift-runtime",
        "description": "Swift standard library and Foundation, linked statically",
        "licenses": [{"license": {"id": "Apache-2.0"}}],
    },
    {
        "type": "library",
        "bom-ref": "swift-argument-parser",
        "name": "swift-argument-parser",
        "version": "1.8.2",
        "purl": "pkg:swift/github.com/apple/swift-argument-parser@1.8.2",
        "licenses": [{"license": {"id": "Apache-2.0"}}],
    },
]
for (package, pversion), sonames in sorted(packages.items()):
    components.append({
        "type": "library",
        "bom-ref": f"deb:{package}",
        "name": package,
        "version": pversion,
        "purl": f"pkg:deb/debian/{package}@{pversion}?arch=amd64",
        "licenses": debian_licenses(package),
        "hashes": [{"alg": "SHA-256", "content": sha256(os.path.join(stage, "lib", s))} for s in sorted(sonames)],
        "properties": [{"name": "sizebudget:bundled", "value": "lib/" + s} for s in sorted(sonames)],
    })

for (package, pversion), archives in sorted(linked.items()):
    components.append({
        "type": "library",
        "bom-ref": f"deb-static:{package}",
        "name": package,
        "version": pversion,
        "purl": f"pkg:deb/debian/{package}@{pversion}?arch=amd64",
        "licenses": debian_licenses(package),
        "properties": [{"name": "sizebudget:linked-statically", "value": a} for a in sorted(archives)],
    })

bom = {
    "bomFormat": "CycloneDX",
    "specVersion": "1.6",
    "serialNumber": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'sizebudget-' + version + '-linux-x86_64')}",
    "version": 1,
    "metadata": {
        "component": {
            "type": "application",
            "bom-ref": "sizebudget",
            "name": "sizebudget",
            "version": version,
            "hashes": [{"alg": "SHA-256", "content": sha256(os.path.join(stage, "bin/sizebudget"))}],
        }
    },
    "components": components,
    "dependencies": [{"ref": "sizebudget", "dependsOn": [c["bom-ref"] for c in components]}],
}
json.dump(bom, sys.stdout, indent=2)
print()
