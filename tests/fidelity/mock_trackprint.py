"""A stand-in for the trackprint CLI built on the oracle, to test the fidelity harness before
(and independently of) the engine: `analyze --json FILE...` and `decode [--channel N] FILE OUT`
with the engine's contract. Run through ./mock-trackprint.

MOCK_PERTURB="tempo_bpm=2,lufs=0.05" adds those offsets to the reported values, to see the
harness catch misses; MOCK_PERTURB_FILE=push_greek limits that to files whose path has it.
"""

import json
import os
import sys
from pathlib import Path

import librosa
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "oracle"))
import oracle  # noqa: E402  (found through the path set just above)


def perturbations():
    spec = os.environ.get("MOCK_PERTURB", "")
    pairs = (item.split("=") for item in spec.split(",") if item)
    return {name: float(offset) for name, offset in pairs}


def analyze(files):
    failed = False
    for path, status, payload in oracle.results(files, jobs=1, use_cache=True):
        if status != "ok":
            print(f"{path}: {payload}", file=sys.stderr)
            failed = True
            continue
        perturbed = os.environ.get("MOCK_PERTURB_FILE", "") in path
        offsets = perturbations() if perturbed else {}
        record = {name: payload[name] + offsets.get(name, 0) for name in oracle.DIMENSIONS}
        record |= {key: payload[key] for key in ("duration_s", "sample_rate", "channels")}
        extra = {"codec": Path(path).suffix.lstrip("."), "version": 1, "engine_version": "mock"}
        print(json.dumps({"path": path, **record, **extra}), flush=True)
    return 1 if failed else 0


def decode(args):
    channel = None
    if args[0] == "--channel":
        channel, args = int(args[1]), args[2:]
    path, out = args
    signals = librosa.load(path, sr=oracle.SR, mono=channel is None, res_type="soxr_hq")[0]
    y = signals if channel is None else np.atleast_2d(signals)[channel]
    y.astype("<f4").tofile(out)
    return 0


def main(argv):
    if argv[:2] == ["analyze", "--json"]:
        return analyze(argv[2:])
    if argv[:1] == ["decode"]:
        return decode(argv[1:])
    if argv[:1] in (["--version"], ["-V"]):
        print("trackprint mock (the oracle)")
        return 0
    print("mock trackprint: analyze --json FILE... | decode [--channel N] FILE OUT", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
