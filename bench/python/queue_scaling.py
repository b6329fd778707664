#!/usr/bin/env python3
"""How trackprint.Queue scales with its workers: tracks/s with 1 and 2 workers over the
corpus's flac/ tracks, each run into a fresh store, and their ratio (2 workers on 2 idle
cores: ideally 2x; issue 14 asks for at least 1.8x).

    python bench/python/queue_scaling.py [--corpus DIR] [--repeats N] [--workers 1,2]

Needs `import trackprint` (e.g. the venv tests/python/run makes: ~/.cache/trackprint/python-venv).
A run is timed from opening the queue to close(wait=True) returning, so it includes the
store's writes. The repeats and the report are worker_scaling.py's.
"""

import tempfile
import time
from pathlib import Path

import trackprint
from worker_scaling import compare


def one_run(tracks, workers):
    """Wall and CPU seconds to fingerprint every track into a new store with `workers`
    workers, and the fingerprints by path."""
    with tempfile.TemporaryDirectory(prefix="trackprint-queue-bench-") as tmp:
        start, start_cpu = time.perf_counter(), time.process_time()
        queue = trackprint.Queue(Path(tmp) / "store.db", workers=workers)
        queue.submit_many(tracks)
        queue.close(wait=True)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        values = {r.path: r.fingerprint.as_dict() for r in queue}
    assert len(values) == len(tracks), "a track failed"
    return elapsed, cpu, values


if __name__ == "__main__":
    compare(__doc__, one_run, "worker")
