"""What a run does: the files it was given (walked by the engine's own walker, as `trackprint scan`
walks them), minus those whose row in the dataset is current, cut into batches with ids that
depend only on their files, so a batch retried anywhere rewrites the same part."""

import hashlib
import os
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import trackprint

from .. import dataset


class InputError(ValueError):
    """An input the run cannot use (a URL of storage the engine cannot read, a bad manifest)."""


@dataclass(frozen=True)
class Batch:
    id: str
    files: tuple  # ((path, size, mtime_ns), ...), sorted by path
    size: int  # bytes, to schedule the largest batches first


@dataclass
class Plan:
    found: int = 0
    skipped: int = 0  # current rows already in the dataset
    batches: list = field(default_factory=list)
    stale: dict = field(default_factory=dict)  # part -> names whose rows are to be redone
    warnings: list = field(default_factory=list)  # trackprint.Error: unreadable folders, loops

    @property
    def files(self):
        return sum(len(b.files) for b in self.batches)


def local_path(text):
    """A path, or a file:// URL as one. The engine opens files by path (FFmpeg through the
    operating system), so storage every worker reads is a mounted filesystem; other URLs are
    refused with that advice."""
    if "://" not in text:
        return text
    url = urlsplit(text)
    if url.scheme == "file" and url.netloc in ("", "localhost"):
        return unquote(url.path)
    raise InputError(f"{text}: the engine reads files by path, not {url.scheme}:// URLs; mount the "
                     "storage at the same path on every worker (NFS, CephFS, s3fs, gcsfuse) and "
                     "give that path")  # fmt: skip


def read_manifest(path):
    """The paths of a manifest: one a line; blank lines and lines starting with # are skipped."""
    try:
        with open(path, "rb") as f:
            lines = f.read().splitlines()
    except OSError as error:
        raise InputError(f"{path}: cannot read the manifest: {error.strerror}") from None
    return [local_path(os.fsdecode(line.strip())) for line in lines
            if line.strip() and not line.lstrip().startswith(b"#")]  # fmt: skip


def batch_id(files):
    digest = hashlib.sha256()
    for path, _, _ in files:
        digest.update(os.fsencode(path) + b"\0")
    return digest.hexdigest()[:20]


def make_batches(files, batch_files, batch_bytes):
    """Consecutive files (sorted by path) up to `batch_files` files or `batch_bytes` bytes,
    largest batches first (they then finish together instead of one ending the run alone)."""
    batches, current, current_bytes = [], [], 0
    for f in sorted(files, key=lambda f: os.fsencode(f[0])):
        if current and (len(current) >= batch_files or current_bytes + f[1] > batch_bytes):
            batches.append(Batch(batch_id(current), tuple(current), current_bytes))
            current, current_bytes = [], 0
        current.append(f)
        current_bytes += f[1]
    if current:
        batches.append(Batch(batch_id(current), tuple(current), current_bytes))
    batches.sort(key=lambda b: -b.size)
    return batches


def plan_run(roots, out, *, batch_files=32, batch_bytes=1 << 30, retry_failed=False, slots=1):
    """Walks `roots` and compares what it finds with the dataset in `out`. Batches are smaller
    than `batch_files` when there are fewer than four per worker thread (`slots`), so that every
    thread has work until near the end."""
    found, warnings = trackprint.find_audio_files([local_path(r) for r in roots]) if roots else ([], [])
    plan = Plan(found=len(found), warnings=list(warnings))
    rows = dataset.index(out)
    todo = []
    for path, size, mtime_ns in found:
        entries = rows.get(path, [])
        current = [e for e in entries if dataset.is_current(e[1], size, mtime_ns, retry_failed)]
        if current:
            plan.skipped += 1
        else:
            todo.append((path, size, mtime_ns))
        for entry in entries:  # every other row of the file goes: one row per file
            if not current or entry is not current[-1]:
                plan.stale.setdefault(entry[0], set()).add(path)
    per_slot = -(-len(todo) // (4 * max(1, slots)))  # ceil
    plan.batches = make_batches(todo, max(1, min(batch_files, per_slot)), batch_bytes)
    return plan
