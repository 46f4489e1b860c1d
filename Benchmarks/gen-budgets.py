#!/usr/bin/env python3
"""Writes a budgets.toml of about SIZE bytes (default 1 MB): many images, every key."""
import sys

target = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
out = ['[defaults]\nmetric = "compressed"\nbase = "main"\nmax_growth = "+5%"\n']
size, n = len(out[0]), 0
while size < target:
    block = f'''
[image.service-{n}]
owner = "mailto:team-{n % 40}@example.com"   # who answers for it
source = "docker-archive:build/service-{n}.tar"
context = ["services/{n}/", "sdk/", "docker/service-{n}.Dockerfile"]
build = "make image-service-{n}"
max = "{400 + n % 300} MB"
warn = "{380 + n % 300} MB"
max_growth = "+{1 + n % 20} MB"
max_layer = "200 MiB"
max_wasted = "10.5 MB"
forbid = ["**/site-packages/pytest/**", "/app/tests/**", "**/__pycache__/**", "/usr/bin/gcc*"]
require = ["/app/sdk/", "/usr/sbin/cron"]

[image.service-{n}.paths]
"/usr/local/lib/python3.12/site-packages" = "300 MB"
"/opt/venv/lib/python3.12/site-packages/torch" = "1.5 GiB"
'''
    out.append(block)
    size += len(block)
    n += 1
with open(sys.argv[1], "w") as f:
    f.write("".join(out))
print(f"{sys.argv[1]}: {size} bytes, {n} images", file=sys.stderr)
