#!/usr/bin/env python3
"""How the Python module scales with Python threads: tracks/s with 1 and 2 worker threads
over the corpus's ci-tier tracks, and their ratio (2 threads on 2 cores: ideally 2x).

    python bench/python/thread_scaling.py [--corpus DIR] [--repeats N] [--workers 1,2]

Needs `import trackprint` (e.g. the venv tests/python/run makes: ~/.cache/trackprint/python-venv-HASH).
Each repeat runs every worker count once, interleaved, so that other load on the machine falls
on both; the figures are the medians over the repeats. The load average is printed beside
them because the machine may be shared.
"""

import argparse
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import trackprint

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
import corpus_manifest  # noqa: E402  (tests/, added to the path just above)


def one_pass(tracks, workers):
    """Wall and CPU seconds to fingerprint every track with `workers` Python threads, and the
    values. CPU / wall is the number of cores the pass kept busy: near `workers` when the GIL
    is released and the machine is otherwise idle, whatever the wall time."""
    start, start_cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(workers) as pool:
        values = [fp.as_dict() for fp in pool.map(trackprint.analyze_file, tracks)]
    return time.perf_counter() - start, time.process_time() - start_cpu, values


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path,
                        default=Path(os.environ.get("TRACKPRINT_CORPUS",
                                                    Path.home() / ".cache/trackprint-corpus")))  # fmt: skip
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    tracks = corpus_manifest.tracks(args.corpus, "ci")
    worker_counts = [int(w) for w in args.workers.split(",")]
    print(f"trackprint {trackprint.__version__}, {len(tracks)} tracks, {os.cpu_count()} cores, "
          f"load average before {os.getloadavg()[0]:.2f}")  # fmt: skip

    trackprint.analyze_file(tracks[0])  # warms the page cache's copy of the first file, and FFTW
    seconds = {w: [] for w in worker_counts}
    busy = {w: [] for w in worker_counts}
    reference = None
    for repeat in range(args.repeats):
        for workers in worker_counts:
            elapsed, cpu, values = one_pass(tracks, workers)
            if reference is None:
                reference = values
            assert values == reference, "a different thread count changed a fingerprint"
            seconds[workers].append(elapsed)
            busy[workers].append(cpu / elapsed)
            print(f"repeat {repeat + 1}: {workers} thread(s) {elapsed:6.1f} s "
                  f"{len(tracks) / elapsed:5.2f} tracks/s  cpu/wall {cpu / elapsed:4.2f}  "
                  f"(load {os.getloadavg()[0]:.2f})", flush=True)  # fmt: skip

    rate = {w: len(tracks) / statistics.median(s) for w, s in seconds.items()}
    print("\nworkers  median s  tracks/s  vs 1 thread  median cpu/wall")
    for w in worker_counts:
        print(f"{w:7d}  {statistics.median(seconds[w]):8.1f}  {rate[w]:8.2f}  "
              f"{rate[w] / rate[worker_counts[0]]:10.2f}x  {statistics.median(busy[w]):15.2f}")  # fmt: skip
    if len(worker_counts) > 1:
        # Neighbouring passes share the machine's load best: the ratio within each repeat.
        pairs = [a / b for a, b in zip(seconds[worker_counts[0]], seconds[worker_counts[-1]])]
        print(f"{worker_counts[-1]} vs {worker_counts[0]} within each repeat: "
              + ", ".join(f"{r:.2f}x" for r in pairs) + f"; median {statistics.median(pairs):.2f}x")  # fmt: skip
    print(f"load average after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
