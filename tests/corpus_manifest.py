"""The tracks of one corpus tier, read from the manifest scripts/corpus writes.

A corpus built for the benchmarks holds more flac/ tracks than the ci tier, so tests and
benches pick their tracks by the manifest's tier column, never by listing flac/. Standard
library only (it also runs in the oracle's venv and with the system python3).

    python3 tests/corpus_manifest.py CORPUS TIER    prints the tier's files, one a line
"""

import sys
from pathlib import Path


class ManifestError(Exception):
    pass


def rows(corpus):
    """The manifest's rows as dicts of its columns; ManifestError if it is missing or has no
    tier column (an older corpus builder wrote it: scripts/corpus writes it again)."""
    manifest = Path(corpus) / "manifest.tsv"
    try:
        lines = manifest.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ManifestError(f"{manifest} is missing: scripts/corpus builds it") from None
    header = lines[0].split("\t") if lines else []
    if "tier" not in header:
        raise ManifestError(f"{manifest} has no tier column (an older corpus builder wrote it): "
                            "run scripts/corpus, which writes it again")  # fmt: skip
    return [dict(zip(header, line.split("\t"))) for line in lines[1:] if line.strip()]


def tracks(corpus, tier):
    """The files of `tier`'s tracks, sorted by path; ManifestError if there are none or one
    is missing."""
    found = sorted(Path(corpus) / row["file"] for row in rows(corpus) if row["tier"] == tier)
    if not found:
        raise ManifestError(f"{Path(corpus) / 'manifest.tsv'} lists no track of tier {tier}: "
                            f"scripts/corpus --tier {tier} builds them")  # fmt: skip
    missing = [str(path) for path in found if not path.is_file()]
    if missing:
        raise ManifestError(f"the manifest lists files that are missing: {', '.join(missing)}")
    return found


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: tests/corpus_manifest.py CORPUS TIER")
    try:
        print("\n".join(str(path) for path in tracks(sys.argv[1], sys.argv[2])))
    except ManifestError as error:
        sys.exit(f"corpus_manifest: {error}")


if __name__ == "__main__":
    main()
