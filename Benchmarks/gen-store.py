#!/usr/bin/env python3
"""gen-store.py STORE IMAGE < OIDS — adds one measurement of IMAGE per commit oid read
from stdin to a store that sizebudget created (its schema), in one transaction."""
import random, sqlite3, sys

store, image = sys.argv[1], sys.argv[2]
db = sqlite3.connect(store)
random.seed(7)
size = 150_000_000
rows = 0
with db:
    for line in sys.stdin:
        oid = line.strip()
        if not oid:
            continue
        size += random.randint(-200_000, 260_000)
        cur = db.execute(
            "INSERT OR REPLACE INTO measurements (image, commit_oid, source, platform, compressed_bytes,"
            " compressed_estimated, uncompressed_bytes, wasted_bytes, file_count, path_depth, tool_version,"
            " measured_at, host) VALUES (?, ?, 'docker-archive:build/api.tar', 'linux/amd64', ?, 0, ?, 0, 1000, 4,"
            " 'bench', '2026-11-25T00:00:00Z', 'bench')", (image, oid, size, size * 2))
        db.execute("INSERT INTO layers VALUES (?, 0, 'sha256:x', 'sha256:y', NULL, 'gzip', ?, 0, ?, 1000, 'RUN x')",
                   (cur.lastrowid, size, size * 2))
        db.execute("INSERT INTO paths VALUES (?, '/', ?, 1000)", (cur.lastrowid, size * 2))
        db.execute("INSERT OR REPLACE INTO commits VALUES (?, ?, 'Bench', 'bench@example.com', 1600000000, '[]')",
                   (oid, f"commit {rows}"))
        rows += 1
print(f"{store}: {rows} measurements of {image}", file=sys.stderr)
