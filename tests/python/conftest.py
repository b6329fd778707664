"""Shared fixtures: the corpus, the CLI's and the oracle's records for its flac/ tracks.

tests/python/run sets up the venv; scripts/test sets TRACKPRINT_CORPUS and
TRACKPRINT_ORACLE_PYTHON, ctest sets TRACKPRINT_BIN. A test whose input is missing skips,
saying which variable to set, except in CI (tests/required_inputs.py), where it fails.
"""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import trackprint

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
import corpus_manifest  # noqa: E402  (tests/, added to the path just above)
from required_inputs import in_ci  # noqa: E402


def _missing(message):
    if in_ci():
        pytest.fail(f"{message} (CI is set: a missing input fails instead of skipping)")
    pytest.skip(message)


def _env_path(name, what):
    value = os.environ.get(name)
    if not value:
        _missing(f"{what}: set {name} (scripts/test and ctest do)")
    return Path(value)


@pytest.fixture(scope="session")
def corpus():
    return _env_path("TRACKPRINT_CORPUS", "needs the ci corpus")


@pytest.fixture(scope="session")
def tracks(corpus):
    """The ci tier's flac/ tracks, by the manifest's tier (a corpus built for the benchmarks
    has more of them in flac/)."""
    found = corpus_manifest.tracks(corpus, "ci")
    assert len(found) == 18, f"the ci tier has 18 flac/ tracks, the manifest lists {len(found)}"
    return found


@pytest.fixture(scope="session")
def module_fingerprints(tracks):
    """analyze_file on every flac/ track, two Python threads at a time (the GIL is released)."""
    with ThreadPoolExecutor(2) as pool:
        return dict(zip(tracks, pool.map(trackprint.analyze_file, tracks)))


@pytest.fixture(scope="session")
def cli_records(tracks):
    """`trackprint analyze --json` on every flac/ track: {path: record}."""
    cli = _env_path("TRACKPRINT_BIN", "needs the trackprint CLI")
    done = subprocess.run([cli, "analyze", "--json", "--jobs", "2", *map(str, tracks)],
                          capture_output=True, text=True, check=True)  # fmt: skip
    records = [json.loads(line) for line in done.stdout.splitlines()]
    return {Path(r["path"]): r for r in records}


@pytest.fixture(scope="session")
def oracle_records(tracks):
    """The cached oracle results (tests/oracle/oracle.py's cache) for the flac/ tracks that have
    one. The cache is keyed by the oracle's source and package versions, so the key is asked of
    the oracle's own Python; the results are filled by ctest's oracle_cache fixture."""
    python = _env_path("TRACKPRINT_ORACLE_PYTHON", "needs the oracle's venv for its cache key")
    ask = ("import sys; sys.path.insert(0, sys.argv[1]); import oracle; "
           "[print(oracle.cache_path(p)) for p in sys.argv[2:]]")  # fmt: skip
    done = subprocess.run([python, "-c", ask, str(REPO / "tests" / "oracle"), *map(str, tracks)],
                          capture_output=True, text=True, check=True)  # fmt: skip
    records = {}
    for track, cached in zip(tracks, done.stdout.split("\n")):
        if Path(cached).is_file():
            records[track] = json.loads(Path(cached).read_text())
    if not records:
        _missing("no cached oracle results (ctest's oracle_cache test computes them)")
    return records


def pytest_report_header(config):
    return [f"trackprint {trackprint.__version__} from {Path(trackprint.__file__).parent}",
            f"python {sys.version.split()[0]}"]  # fmt: skip
