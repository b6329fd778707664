"""File names in trackprint's JSON output (the CLI's analyze --json, show --json, export
--format jsonl, scan --progress json, status --json, and the .25d sidecars).

JSON holds only Unicode text, a file name is bytes: a name that is not UTF-8 is written with
U+FFFD for its bad bytes under `key`, and its exact bytes under `key + "_bytes"` (docs/store.md).
"""

import os


def json_path(record, key="path"):
    """The file name `record[key]` as Python spells file names (os.fsdecode of its exact bytes),
    so that Library.get() and open() find the file even when its name is not UTF-8."""
    raw = record.get(key + "_bytes")
    return record[key] if raw is None else os.fsdecode(bytes(raw))
