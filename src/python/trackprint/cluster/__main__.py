"""python -m trackprint.cluster: the command line of trackprint.cluster (docs/cluster.md)."""

import argparse
import sys

try:
    from . import DaskExecutor, InputError, RunError, read_manifest, run
except ImportError as missing:  # the extra is not installed here
    sys.exit(f"trackprint.cluster needs {missing.name or missing}, which {sys.executable} cannot import: "
             "pip install 'trackprint[cluster]' (the same on every worker)")

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def parse(argv):
    p = argparse.ArgumentParser(
        prog="python -m trackprint.cluster",
        description="Fingerprint audio files on a Dask cluster into a Parquet dataset: one row per "
        "file (its identity, the 25 values or the reason it failed). A rerun skips the files "
        "whose row is current and finishes the rest.",
    )
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler, tcp://host:8786")
    where.add_argument("--scheduler-file", metavar="FILE", help="the scheduler file of `dask scheduler`")
    where.add_argument("--local", metavar="N", type=int,
                       help="start a local cluster of N worker processes (one thread each)")  # fmt: skip
    p.add_argument("--out", required=True, metavar="DIR", help="the dataset folder (shared by all workers)")
    p.add_argument("--manifest", action="append", default=[], metavar="FILE",
                   help="a file listing paths, one a line (# starts a comment); repeatable")  # fmt: skip
    p.add_argument("--batch-files", type=int, default=32, metavar="N",
                   help="most files per batch, the unit of retry (default 32; fewer when "
                   "there would be under 4 batches per worker thread)")  # fmt: skip
    p.add_argument("--batch-mib", type=int, default=1024, metavar="MIB",
                   help="most bytes of audio per batch (default 1024)")  # fmt: skip
    p.add_argument("--retry-failed", action="store_true", help="analyse failed files again")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="folders (walked as `trackprint scan` walks them) or files; file:// URLs")  # fmt: skip
    args = p.parse_args(argv)
    if not args.paths and not args.manifest:
        p.error("no PATH or --manifest given")
    if args.local is not None and args.local < 1:
        p.error("--local takes a number of workers, 1 or more")
    if args.batch_files < 1 or args.batch_mib < 1:
        p.error("--batch-files and --batch-mib take 1 or more")
    return args


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    try:
        roots = list(args.paths)
        for manifest in args.manifest:
            roots += read_manifest(manifest)
        try:
            executor = DaskExecutor(args.scheduler, scheduler_file=args.scheduler_file,
                                    local_workers=args.local)  # fmt: skip
        except (OSError, TimeoutError) as error:
            where = args.scheduler or args.scheduler_file or "a local cluster"
            raise RunError(f"cannot reach the Dask scheduler ({where}): {error}") from None
        with executor:
            s = run(executor, roots, args.out, batch_files=args.batch_files,
                    batch_bytes=args.batch_mib << 20, retry_failed=args.retry_failed)  # fmt: skip
    except (InputError, RunError) as error:
        print(f"trackprint.cluster: {error}", file=sys.stderr)
        return EXIT_USAGE if isinstance(error, InputError) else EXIT_FAILED
    except KeyboardInterrupt:
        print("trackprint.cluster: interrupted: finished batches are saved; run again to continue",
              file=sys.stderr)  # fmt: skip
        return EXIT_INTERRUPTED
    print(f"trackprint.cluster: {s.found} found, {s.skipped} already done, {s.analysed} analysed, "
          f"{s.failed} failed, in {s.batches} batches, {s.seconds:.1f} s"
          + (f"; {s.split} batches split after worker deaths" if s.split else "")
          + (f"; {s.stale_removed} outdated rows replaced" if s.stale_removed else "")
          + (f"; {s.duplicates_removed} duplicate rows removed" if s.duplicates_removed else ""),
          file=sys.stderr)  # fmt: skip
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
