"""Write the current schema of every event to ``contracts/schemas`` (idempotent).

    python -m contracts.snapshot          # write what is missing or changed, list it
    python -m contracts.snapshot --check  # write nothing; exit 1 if a snapshot is missing or stale

Older snapshots are never deleted: they are how readers decode messages of older writers.
"""

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from contracts.registry import (
    EVENTS,
    SCHEMAS_DIR,
    current_schemas,
    dump_schema,
    fingerprint,
    snapshot_path,
)


def stale_snapshots(schemas_dir: Path = SCHEMAS_DIR) -> list[Path]:
    """Snapshot files that are missing or differ from the current schema they should hold."""
    stale: list[Path] = []
    for record, schema in current_schemas(EVENTS).items():
        path = snapshot_path(schemas_dir, record, fingerprint(schema))
        if not path.is_file() or json.loads(path.read_text(encoding="utf-8")) != schema:
            stale.append(path)
    return stale


def write_snapshots(schemas_dir: Path = SCHEMAS_DIR) -> list[Path]:
    """Write every missing or stale snapshot; return the files written."""
    written: list[Path] = []
    for record, schema in current_schemas(EVENTS).items():
        path = snapshot_path(schemas_dir, record, fingerprint(schema))
        text = dump_schema(schema)
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m contracts.snapshot", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report missing/stale files")
    parser.add_argument("--dir", type=Path, default=SCHEMAS_DIR, help="snapshot directory")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_snapshots(args.dir)
        for path in stale:
            print(f"stale or missing: {path}")
        return 1 if stale else 0
    for path in write_snapshots(args.dir):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
