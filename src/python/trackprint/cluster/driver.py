"""The driver: plans a run, keeps a bounded number of batches on the cluster (back-pressure: the
driver and the scheduler hold a few batches per worker thread, never the whole catalogue),
shows progress, and ends with exactly one row per file in the dataset.

What clusters do, and what happens then:
- a worker dies: the scheduler runs its batch elsewhere (Dask retries a task whose worker died,
  up to distributed.scheduler.allowed-failures times); the retry writes the same part;
- a batch whose workers keep dying (a file that crashes or exhausts its worker): the batch is
  split into one-file batches, and a file that still kills its worker gets a failed row saying
  so, written by the driver;
- the driver dies: nothing is lost but the batches in flight; a rerun skips every file with a
  current row (trackprint.dataset.is_current) and first waits for the dead driver's batches
  still running, which would otherwise write rows the rerun writes too;
- a file that fails: a row with its kind and reason; the run goes on.
"""

import concurrent.futures
import fcntl
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import trackprint

from .. import dataset
from .batch import analyse_batch
from .plan import Batch, batch_id, plan_run

TASK_PREFIX = "trackprint-batch-"


class RunError(RuntimeError):
    """The run cannot go on (the output cannot be written, workers of another version)."""


@dataclass
class Summary:
    found: int = 0
    skipped: int = 0  # current rows already in the dataset
    analysed: int = 0
    failed: int = 0
    batches: int = 0
    split: int = 0  # batches split after their workers kept dying
    stale_removed: int = 0  # rows of changed files removed before the run
    duplicates_removed: int = 0
    seconds: float = 0.0
    warnings: list = field(default_factory=list)


class Progress:
    """One line on the driver's stderr: redrawn in place on a terminal, else every few seconds."""

    def __init__(self, total, stream=sys.stderr, interval=None):
        self.total, self.stream = total, stream
        self.tty = stream.isatty()
        self.interval = interval if interval is not None else (0.2 if self.tty else 5.0)
        self.start = self.last = time.monotonic()
        self.done = self.failed = 0
        self.workers = None

    def note(self, message):
        self.stream.write(("\r\033[K" if self.tty else "") + message + "\n")
        self.stream.flush()

    def update(self, running, slots, force=False):
        now = time.monotonic()
        if self.workers is not None and slots < self.workers:
            self.note(f"trackprint.cluster: the cluster lost worker threads ({self.workers} -> "
                      f"{slots}); their batches run again elsewhere")  # fmt: skip
        self.workers = slots
        if not force and now - self.last < self.interval:
            return
        self.last = now
        elapsed = now - self.start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = f", eta {(self.total - self.done) / rate:.0f} s" if rate > 0 else ""
        line = (f"{self.done}/{self.total} files, {self.failed} failed, {rate:.2f} files/s, "
                f"{running} batches in flight, {slots} worker threads{eta}")  # fmt: skip
        self.stream.write(("\r\033[K" + line) if self.tty else line + "\n")
        self.stream.flush()

    def finish(self):
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _lock(out):
    """One driver per dataset: a second one would plan the same files. The lock dies with its
    process, so a killed driver never blocks its rerun."""
    handle = open(out / ".trackprint-driver.lock", "w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise RunError(f"{out}: another trackprint.cluster driver is writing this dataset") from None
    return handle


def _died_row(file):
    path, size, mtime_ns = file
    return dataset.failed_row(path, size, mtime_ns, "internal",
                              "its worker died each time it was analysed (killed, out of memory, "
                              "or a crash in the engine)",
                              dataset.utc_now(), 0.0, trackprint.__version__)  # fmt: skip


def _wait_for_stragglers(executor, progress):
    announced = False
    while (n := executor.running_elsewhere(TASK_PREFIX)) > 0:
        if not announced:
            progress.note(f"trackprint.cluster: waiting for {n} batches of an earlier driver still "
                          "running on the workers")  # fmt: skip
            announced = True
        time.sleep(1.0)


def run(executor, roots, out, *, batch_files=32, batch_bytes=1 << 30, retry_failed=False,
        in_flight_per_slot=2, stream=sys.stderr):  # fmt: skip
    """Fingerprints the audio files under `roots` (folders, files) into the Parquet dataset in
    `out` on `executor`'s cluster. Returns a Summary; raises RunError when it cannot go on."""
    started = time.monotonic()
    out = Path(out).absolute()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise RunError(f"{out}: cannot create the output folder: {error.strerror}") from None
    lock = _lock(out)
    try:
        progress = Progress(0, stream)
        _wait_for_stragglers(executor, progress)
        dataset.remove_temporaries(out)
        plan = plan_run(roots, out, batch_files=batch_files, batch_bytes=batch_bytes,
                        retry_failed=retry_failed, slots=executor.slots())  # fmt: skip
        summary = Summary(found=plan.found, skipped=plan.skipped, warnings=plan.warnings)
        for warning in plan.warnings:
            progress.note(f"trackprint.cluster: warning: {warning}")
        summary.stale_removed = sum(dataset.rewrite_without(part, names)
                                    for part, names in plan.stale.items())  # fmt: skip
        progress = Progress(plan.files, stream)
        progress.note(f"trackprint.cluster: {plan.found} files found, {plan.skipped} already in "
                      f"{out}, {plan.files} to analyse in {len(plan.batches)} batches on "
                      f"{executor.describe()}")  # fmt: skip
        _run_batches(executor, deque(plan.batches), out, summary, progress, in_flight_per_slot)
        progress.finish()
        summary.duplicates_removed = dataset.dedup(out)
        dataset.remove_temporaries(out)
        summary.seconds = time.monotonic() - started
        return summary
    finally:
        lock.close()


def _run_batches(executor, queue, out, summary, progress, in_flight_per_slot):
    in_flight = {}
    slots, asked = executor.slots(), time.monotonic()
    try:
        while queue or in_flight:
            if time.monotonic() - asked > 2.0:  # a question to the scheduler: not every turn
                slots, asked = executor.slots(), time.monotonic()
            limit = max(2, in_flight_per_slot * slots)
            while queue and len(in_flight) < limit:
                batch = queue.popleft()
                future = executor.submit(TASK_PREFIX + batch.id, analyse_batch, batch.id,
                                         list(batch.files), str(out))  # fmt: skip
                in_flight[future] = batch
            done, _ = concurrent.futures.wait(in_flight, timeout=0.5,
                                              return_when=concurrent.futures.FIRST_COMPLETED)  # fmt: skip
            for future in done:
                batch = in_flight.pop(future)
                try:
                    result = future.result()
                except Exception as error:
                    if not executor.is_worker_death(error):
                        raise RunError(f"batch {batch.id} failed on the cluster: "
                                       f"{type(error).__name__}: {error}") from error  # fmt: skip
                    _after_deaths(batch, queue, out, summary, progress)
                    continue
                if result.engine_version != trackprint.__version__:
                    raise RunError(f"worker {result.worker} runs trackprint {result.engine_version}, "
                                   f"this driver {trackprint.__version__}: install the same wheel "
                                   "on every machine")  # fmt: skip
                summary.batches += 1
                summary.failed += result.failed
                summary.analysed += result.files - result.failed
                progress.done += result.files
                progress.failed += result.failed
            progress.update(len(in_flight), slots)
        progress.update(0, executor.slots(), force=True)
    finally:
        for future in in_flight:
            future.cancel()


def _after_deaths(batch, queue, out, summary, progress):
    if len(batch.files) > 1:
        summary.split += 1
        progress.note(f"trackprint.cluster: the workers of batch {batch.id} kept dying; its "
                      f"{len(batch.files)} files run one by one")  # fmt: skip
        for file in batch.files:
            queue.appendleft(Batch(batch_id([file]), (file,), file[1]))
        return
    file = batch.files[0]
    progress.note(f"trackprint.cluster: {file[0]}: its worker died each time; recorded as failed")
    dataset.write_part(out, batch.id, [_died_row(file)])
    summary.batches += 1
    summary.failed += 1
    progress.done += 1
    progress.failed += 1
