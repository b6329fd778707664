"""What thread_scaling.py and queue_scaling.py share: their command line, the interleaved
repeats over the corpus's ci-tier tracks, and the report of tracks/s, cpu/wall and the ratio.
Each repeat runs every worker count once, interleaved, so that other load on the machine falls
on both; the load average is printed beside every figure because the machine may be shared,
and only a run on idle cores measures the engine."""

import argparse
import os
import statistics
import sys
from pathlib import Path

import trackprint

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
import corpus_manifest  # noqa: E402  (tests/, added to the path just above)


def parse(doc):
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path,
                        default=Path(os.environ.get("TRACKPRINT_CORPUS",
                                                    Path.home() / ".cache/trackprint-corpus")))  # fmt: skip
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", default="1,2")
    return parser.parse_args()


def compare(doc, one_pass, unit):
    """Runs `one_pass(tracks, workers)` -> (wall s, cpu s, values) for each worker count in
    each repeat; values must not depend on the count. `unit` names a worker in the report."""
    args = parse(doc)
    tracks = corpus_manifest.tracks(args.corpus, "ci")
    if not tracks:
        raise SystemExit(f"no ci-tier tracks under {args.corpus}")
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
            assert values == reference, f"another {unit} count changed a fingerprint"
            seconds[workers].append(elapsed)
            busy[workers].append(cpu / elapsed)
            print(f"repeat {repeat + 1}: {workers} {unit}(s) {elapsed:6.1f} s "
                  f"{len(tracks) / elapsed:5.2f} tracks/s  cpu/wall {cpu / elapsed:4.2f}  "
                  f"(load {os.getloadavg()[0]:.2f})", flush=True)  # fmt: skip

    rate = {w: len(tracks) / statistics.median(s) for w, s in seconds.items()}
    print(f"\n{unit}s  median s  tracks/s  vs 1 {unit}  median cpu/wall")
    for w in worker_counts:
        print(f"{w:7d}  {statistics.median(seconds[w]):8.1f}  {rate[w]:8.2f}  "
              f"{rate[w] / rate[worker_counts[0]]:10.2f}x  {statistics.median(busy[w]):15.2f}")  # fmt: skip
    if len(worker_counts) > 1:
        # Neighbouring passes share the machine's load best: the ratio within each repeat.
        pairs = [a / b for a, b in zip(seconds[worker_counts[0]], seconds[worker_counts[-1]])]
        print(f"{worker_counts[-1]} vs {worker_counts[0]} within each repeat: "
              + ", ".join(f"{r:.2f}x" for r in pairs) + f"; median {statistics.median(pairs):.2f}x")  # fmt: skip
    print(f"load average after {os.getloadavg()[0]:.2f}")
