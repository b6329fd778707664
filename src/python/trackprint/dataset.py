"""The Parquet dataset of fingerprints (docs/cluster.md): its schema, one row per file, and the
part files it is made of. trackprint.cluster writes it, trackprint.parquet imports it into a
store and exports a store as one. Needs pyarrow (imported here, not by `import trackprint`).

A dataset is a folder of part files, `part-<batch id>.parquet`, each written whole under a
temporary name starting with "." (which Parquet readers skip) and renamed into place, so a reader
never sees half a part and rewriting a part with the same id replaces it atomically.
"""

import datetime
import os
import secrets
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import trackprint

FORMAT = "2"  # the schema metadata's trackprint.dataset: a reader refuses another
PART_PREFIX = "part-"
PART_SUFFIX = ".parquet"

DIMENSION_NAMES = [d.name for d in trackprint.DIMENSIONS]
# The file's tags: columns of the format now, null until the engine reads tags.
TAG_NAMES = ["title", "artist", "album", "album_artist", "genre", "track", "date",
             "musicbrainz_recording_id"]  # fmt: skip

SCHEMA = pa.schema(
    [
        pa.field("path", pa.string(), nullable=False),  # absolute, as walked (lossy if not UTF-8)
        pa.field("path_bytes", pa.binary()),  # the exact bytes, only for a name that is not UTF-8
        pa.field("size", pa.int64(), nullable=False),
        pa.field("mtime_ns", pa.int64(), nullable=False),
        pa.field("status", pa.string(), nullable=False),  # analysed or failed
        pa.field("error_kind", pa.string()),
        pa.field("reason", pa.string()),
        pa.field("fingerprint_version", pa.int32()),
        pa.field("numbers_version", pa.int32()),  # which exact bits (analysed rows)
        pa.field("engine_version", pa.string(), nullable=False),
        pa.field("analysed_at", pa.string(), nullable=False),  # UTC, ISO 8601, as the store's
        pa.field("analysis_s", pa.float64(), nullable=False),
        pa.field("duration_s", pa.float64()),
        pa.field("sample_rate", pa.int32()),
        pa.field("channels", pa.int32()),
        pa.field("codec", pa.string()),
        *[pa.field(name, pa.string()) for name in TAG_NAMES],
        *[pa.field(name, pa.float64()) for name in DIMENSION_NAMES],
    ],
    metadata={"trackprint.dataset": FORMAT},
)

# What deciding whether a file needs analysing reads of a dataset.
IDENTITY_COLUMNS = ["path", "path_bytes", "size", "mtime_ns", "status", "fingerprint_version",
                    "engine_version", "analysed_at"]  # fmt: skip


def utc_now():
    """The store's timestamp format: 2026-11-25T03:42:53Z."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def path_columns(path):
    """(path, path_bytes) for a file name as Python spells it (os.fsdecode of its bytes)."""
    raw = os.fsencode(path)
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace"), raw


def row_path(row):
    """The file name of a row (a dict of its columns), as Python spells it."""
    raw = row.get("path_bytes")
    return os.fsdecode(raw) if raw is not None else row["path"]


def empty_row(path, size, mtime_ns):
    text, raw = path_columns(path)
    row = dict.fromkeys(SCHEMA.names)
    row.update(path=text, path_bytes=raw, size=size, mtime_ns=mtime_ns)
    return row


def analysed_row(path, size, mtime_ns, fp, analysed_at, analysis_s, engine_version,
                 numbers_version):
    row = empty_row(path, size, mtime_ns)
    row.update(status="analysed", fingerprint_version=fp.version, numbers_version=numbers_version,
               engine_version=engine_version,
               analysed_at=analysed_at, analysis_s=analysis_s, duration_s=fp.duration,
               sample_rate=fp.sample_rate, channels=fp.channels, codec=fp.codec)  # fmt: skip
    row.update(zip(DIMENSION_NAMES, fp.as_array().tolist()))
    return row


def failed_row(path, size, mtime_ns, kind, reason, analysed_at, analysis_s, engine_version):
    row = empty_row(path, size, mtime_ns)
    row.update(status="failed", error_kind=kind, reason=reason, engine_version=engine_version,
               analysed_at=analysed_at, analysis_s=analysis_s)  # fmt: skip
    return row


def analyse(path, size, mtime_ns):
    """The row of one file, as a scan would store it: the identity is the one seen just before
    reading (a file changed during its analysis differs from it next time and is redone), or the
    walk's when the file is gone; a failure is a row with its kind and reason, never raised."""
    try:
        st = os.stat(path)
        size, mtime_ns = st.st_size, st.st_mtime_ns
    except OSError:
        pass  # analyze_file names the failure
    analysed_at = utc_now()
    start = time.perf_counter()
    try:
        fp = trackprint.analyze_file(path)
    except trackprint.Error as error:
        return failed_row(path, size, mtime_ns, error.kind, error.reason, analysed_at,
                          time.perf_counter() - start, trackprint.__version__)  # fmt: skip
    except Exception as error:  # a defect, or MemoryError: this file's row says so
        return failed_row(path, size, mtime_ns, "internal", f"{type(error).__name__}: {error}",
                          analysed_at, time.perf_counter() - start, trackprint.__version__)  # fmt: skip
    return analysed_row(path, size, mtime_ns, fp, analysed_at, time.perf_counter() - start,
                        trackprint.__version__, trackprint.numbers_version())  # fmt: skip


def part_name(batch_id):
    return f"{PART_PREFIX}{batch_id}{PART_SUFFIX}"


def part_files(folder):
    """The dataset's part files, sorted by name (temporary files are not parts)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.name.startswith(PART_PREFIX) and p.name.endswith(PART_SUFFIX))  # fmt: skip


def table_of(rows):
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def write_table(path, table):
    """Writes `table` to `path` atomically: a temporary file beside it, synced, then renamed."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "wb") as f:
            pq.write_table(table, f, compression="zstd")
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_part(folder, batch_id, rows):
    """Writes (or replaces) the part of batch `batch_id`; returns its path."""
    path = Path(folder) / part_name(batch_id)
    write_table(path, table_of(rows))
    return path


def read_part(path, columns=None):
    """A part's rows as a Table of SCHEMA's columns; a file of another format is an error."""
    file = pq.ParquetFile(path)
    metadata = file.schema_arrow.metadata or {}
    if metadata.get(b"trackprint.dataset") != FORMAT.encode():
        raise ValueError(f"{path}: not a part of a trackprint dataset (format {FORMAT})")
    return file.read(columns=columns)


def remove_temporaries(folder):
    """Deletes the temporary files of writers that died before renaming them."""
    for p in Path(folder).glob(f".{PART_PREFIX}*.tmp"):
        p.unlink(missing_ok=True)


def rewrite_without(path, drop):
    """Rewrites the part at `path` without the rows whose file name is in `drop` (a set of
    names as Python spells them); deletes it when nothing is left. Returns the rows dropped."""
    table = read_part(path)
    keep = [row_path(row) not in drop for row in table.select(["path", "path_bytes"]).to_pylist()]
    dropped = len(keep) - sum(keep)
    if dropped == 0:
        return 0
    if dropped == len(keep):
        Path(path).unlink()
    else:
        write_table(path, table.filter(pa.array(keep)))
    return dropped


def index(folder):
    """{file name: [(part path, identity row), ...]} of every row of the dataset in `folder`;
    a name has more than one entry only when two runs wrote it (see dedup)."""
    rows = {}
    for part in part_files(folder):
        for row in read_part(part, IDENTITY_COLUMNS).to_pylist():
            rows.setdefault(row_path(row), []).append((part, row))
    return rows


def is_current(row, size, mtime_ns, retry_failed=False):
    """True when `row` is this engine's result for a file of this identity: a rerun skips it."""
    return (row["size"] == size and row["mtime_ns"] == mtime_ns
            and row["engine_version"] == trackprint.__version__
            and (row["status"] == "analysed" and row["fingerprint_version"] == trackprint.FINGERPRINT_VERSION
                 or row["status"] == "failed" and not retry_failed))  # fmt: skip


def dedup(folder, rows=None):
    """Leaves one row per file: where two parts hold the same file (a batch of a killed driver
    that finished after its rerun had planned), the later analysis stays and the other rows are
    rewritten out of their parts. Returns the number of rows removed."""
    rows = index(folder) if rows is None else rows
    drop = {}  # part -> names
    for name, entries in rows.items():
        if len(entries) > 1:
            entries = sorted(entries, key=lambda e: (e[1]["analysed_at"], e[0].name))
            for part, _ in entries[:-1]:
                drop.setdefault(part, set()).add(name)
    return sum(rewrite_without(part, names) for part, names in drop.items())
