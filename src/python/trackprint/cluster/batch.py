"""The task a worker runs: analyse one batch of files and write its part of the dataset. Every
file gets a row (a failure is a row with its reason); the part is written whole or not at all,
under a name given by the batch's files, so running the same batch again (a retry after a
worker died, a straggler of a killed driver) replaces it instead of adding rows."""

import os
import sys
import time
from dataclasses import dataclass

import trackprint

from .. import dataset


@dataclass(frozen=True)
class BatchResult:
    id: str
    files: int
    failed: int
    seconds: float
    engine_version: str
    worker: str  # host:pid, for the driver's messages


def analyse_batch(batch_id, files, out):
    """Runs on a worker: `files` are (path, size, mtime_ns) as the driver found them."""
    worker = f"{os.uname().nodename}:{os.getpid()}"
    # One line on the worker's stderr per batch started and finished: the worker's log says
    # what it was doing when it died.
    print(f"trackprint.cluster: {worker} starts batch {batch_id} ({len(files)} files)",
          file=sys.stderr, flush=True)  # fmt: skip
    start = time.perf_counter()
    rows = [dataset.analyse(path, size, mtime_ns) for path, size, mtime_ns in files]
    dataset.write_part(out, batch_id, rows)
    seconds = time.perf_counter() - start
    print(f"trackprint.cluster: {worker} wrote batch {batch_id} in {seconds:.1f} s",
          file=sys.stderr, flush=True)  # fmt: skip
    failed = sum(row["status"] == "failed" for row in rows)
    return BatchResult(batch_id, len(rows), failed, seconds, trackprint.__version__, worker)
