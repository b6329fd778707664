"""A store to and from the Parquet dataset of trackprint.dataset: `import` merges a dataset (a
cluster's output) into a store, through the engine's own store code (Library.merge), so the
rows are those a scan writes; `export` writes a store's analysed and failed tracks as a dataset.
The C++ CLI's `trackprint import` and `trackprint export --format parquet` run this module.

    python -m trackprint.parquet import DIR [--db PATH]
    python -m trackprint.parquet export --out DIR [--db PATH]
"""

import argparse
import sys
from pathlib import Path

import trackprint

from . import dataset

MERGE_ROWS = 20_000  # rows per transaction: a killed import loses at most these (rerun it)
EXPORT_ROWS = 100_000  # rows per part file of an export


def import_dataset(folder, library):
    """Merges every part of the dataset in `folder` into `library` (a trackprint.Library).
    Returns the summed MergeSummary counts as a dict, plus `parts`."""
    parts = dataset.part_files(folder)
    if not parts:
        raise FileNotFoundError(f"{folder}: no part-*.parquet files: not a trackprint dataset")
    totals = dict(added=0, replaced=0, unchanged=0, kept=0, parts=len(parts))
    pending = []

    def flush():
        if not pending:
            return
        columns = {name: [] for name in dataset.SCHEMA.names}
        for table in pending:
            for name in dataset.SCHEMA.names:
                columns[name] += table.column(name).to_pylist()
        # The exact name where the text form is lossy (not UTF-8).
        columns["path"] = [raw if raw is not None else text
                           for text, raw in zip(columns["path"], columns["path_bytes"])]  # fmt: skip
        done = library.merge(columns)
        for key in ("added", "replaced", "unchanged", "kept"):
            totals[key] += getattr(done, key)
        pending.clear()

    rows = 0
    for part in parts:
        table = dataset.read_part(part)
        pending.append(table)
        rows += table.num_rows
        if rows >= MERGE_ROWS:
            flush()
            rows = 0
    flush()
    return totals


def _track_row(track):
    if track.fingerprint is not None:
        return dataset.analysed_row(track.path, track.size, track.mtime_ns, track.fingerprint,
                                    track.analysed_at, track.analysis_seconds,
                                    track.engine_version, track.numbers_version)  # fmt: skip
    return dataset.failed_row(track.path, track.size, track.mtime_ns, track.error.kind,
                              track.error.reason, track.analysed_at, track.analysis_seconds,
                              track.engine_version)  # fmt: skip


def export_store(library, folder):
    """Writes the analysed and failed tracks of `library` as a dataset in `folder`, which must
    hold no dataset yet. Returns the number of rows."""
    folder = Path(folder)
    if dataset.part_files(folder):
        raise FileExistsError(f"{folder}: already holds a dataset; export into a new folder")
    folder.mkdir(parents=True, exist_ok=True)
    tracks = library.tracks() + library.status().failures
    tracks.sort(key=lambda t: t.path)
    for start in range(0, len(tracks), EXPORT_ROWS):
        rows = [_track_row(t) for t in tracks[start:start + EXPORT_ROWS]]
        dataset.write_part(folder, f"store-{start // EXPORT_ROWS:05d}", rows)
    return len(tracks)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m trackprint.parquet",
                                description="A trackprint store to and from a Parquet dataset.")  # fmt: skip
    commands = p.add_subparsers(dest="command", required=True)
    imp = commands.add_parser("import", help="merge a dataset into a store")
    imp.add_argument("dir", metavar="DIR")
    exp = commands.add_parser("export", help="write a store's tracks as a dataset")
    exp.add_argument("--out", required=True, metavar="DIR")
    for command in (imp, exp):
        command.add_argument("--db", metavar="PATH", help="the store (default: trackprint's own)")
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        library = trackprint.Library(args.db, read_only=args.command == "export")
        if args.command == "import":
            t = import_dataset(args.dir, library)
            print(f"imported {args.dir} into {library.path}: {t['added']} added, {t['replaced']} "
                  f"replaced, {t['unchanged']} unchanged, {t['kept']} kept (the store's were "
                  f"newer), from {t['parts']} parts", file=sys.stderr)  # fmt: skip
        else:
            n = export_store(library, args.out)
            print(f"exported {n} tracks of {library.path} to {args.out}", file=sys.stderr)
    except (trackprint.Error, OSError, ValueError) as error:
        print(f"trackprint: {args.command}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
