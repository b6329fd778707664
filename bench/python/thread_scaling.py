#!/usr/bin/env python3
"""How the Python module scales with Python threads: tracks/s with 1 and 2 worker threads
over the corpus's ci-tier tracks, and their ratio (2 threads on 2 cores: ideally 2x).

    python bench/python/thread_scaling.py [--corpus DIR] [--repeats N] [--workers 1,2]

Needs `import trackprint` (e.g. the venv tests/python/run makes: ~/.cache/trackprint/python-venv-HASH).
The repeats and the report are worker_scaling.py's: medians over the repeats, the load average
beside them.
"""

import time
from concurrent.futures import ThreadPoolExecutor

import trackprint
from worker_scaling import compare


def one_pass(tracks, workers):
    """Wall and CPU seconds to fingerprint every track with `workers` Python threads, and the
    values. CPU / wall is the number of cores the pass kept busy: near `workers` when the GIL
    is released and the machine is otherwise idle, whatever the wall time."""
    start, start_cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(workers) as pool:
        values = [fp.as_dict() for fp in pool.map(trackprint.analyze_file, tracks)]
    return time.perf_counter() - start, time.process_time() - start_cpu, values


if __name__ == "__main__":
    compare(__doc__, one_pass, "thread")
