"""trackprint.Queue: a music app's background fingerprinting, alive as long as the app.

The engine (trackprint._trackprint.ExtractionQueue, C++) orders the files by priority, analyses
them on its worker threads with the GIL released and commits each result to the store before it
hands it over. This module hands the results on: one thread of the queue's ("the pump") waits
for them in C++ with the GIL released, and takes the GIL only to give each one to its reader:
the callback, an iterator (`for r in queue`) or an asyncio loop (`async for r in
queue.results()`, through loop.call_soon_threadsafe, so the loop itself never waits). Results
that arrive while nobody reads are kept, in order, for the next reader.
"""

import asyncio
import collections
import threading

from ._trackprint import ExtractionQueue as _Engine

_END = object()  # the queue is closed and every result has been handed over


class Queue:
    """A queue of files to fingerprint into the store at `db_path` (default:
    trackprint.default_library_path()), `workers` at a time (0: one per core).

        with trackprint.Queue("music.db", workers=2) as queue:
            queue.submit_many(paths)                  # priority 0
            queue.submit("/music/next.flac", 10)      # higher goes first
            for result in queue:                      # ends once closed and drained
                print(result.path, result.fingerprint or result.error)

    Each result is handed over once: to `callback` (called on the queue's own thread) when one
    is given, else to whoever reads: the iterator, or `async for result in queue.results()`.
    A file whose size, mtime and versions are those already stored is answered from the store
    (result.from_store) without analysis. While the queue is open it holds the store's scan
    lock: a Library.scan of the same store raises that the store is busy. Idle, it uses no CPU.
    Files over `max_duration` seconds (default 6 hours) fail with kind too_long, as in a scan.
    """

    def __init__(self, db_path=None, workers=0, *, callback=None, retry_failed=False,
                 sidecars=False, max_duration=21600.0):  # fmt: skip
        if callback is not None and not callable(callback):
            raise TypeError("callback must be callable")
        self._engine = _Engine(db_path, workers, retry_failed, sidecars, max_duration)
        self._lock = threading.Lock()
        self._buffer = collections.deque()  # results nobody was reading
        self._sink = callback  # where the pump hands each result (None: the buffer)
        self._callback = callback
        self._callback_error = None
        self._ended = False
        self._closed = False
        self._pump = threading.Thread(target=self._run_pump, name="trackprint-queue-results",
                                      daemon=True)  # fmt: skip
        self._pump.start()

    # -- feeding it

    def submit(self, path, priority=0):
        """Queues `path`; a path already pending takes the new priority. True when queued or
        re-prioritised, False when it was already pending at that priority."""
        self._check_open()
        return self._engine.submit(path, priority)

    def submit_many(self, paths, priority=0):
        """Queues every path; returns how many were queued or re-prioritised."""
        self._check_open()
        return self._engine.submit_many(list(paths), priority)

    def cancel(self, path):
        """Takes a pending path out (it gets no result): True if it was pending. A file
        already being analysed is finished."""
        return self._engine.cancel(path)

    def pause(self):
        """Starts no more files until resume(); the files being analysed are finished."""
        self._engine.pause()

    def resume(self):
        self._engine.resume()

    def status(self):
        """A QueueStatus: pending, running, done, failed, tracks_per_s, paused, closed."""
        return self._engine.status()

    @property
    def path(self):
        """The store's file (absolute)."""
        return self._engine.store_path

    # -- closing

    def close(self, wait=True):
        """Stops taking files; returns once every file started is stored and handed over.
        wait: the pending files are done first (even when paused); else they are dropped and
        returned as a list of paths. An exception the callback raised is re-raised here."""
        with self._lock:
            self._closed = True
        dropped = self._engine.close(wait)
        if threading.current_thread() is not self._pump:
            self._pump.join()
        if self._callback_error is not None:
            error, self._callback_error = self._callback_error, None
            raise error
        return dropped

    async def aclose(self, wait=True):
        """close() without blocking the running loop (it waits on a thread of the loop's)."""
        return await asyncio.get_running_loop().run_in_executor(None, self.close, wait)

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        self.close(wait=kind is None)

    async def __aenter__(self):
        return self

    async def __aexit__(self, kind, value, traceback):
        await self.aclose(wait=kind is None)

    # -- results

    def __iter__(self):
        """The results, as they come; blocks between them and ends once the queue is closed
        and every result has been taken (close() from another thread, or a callback)."""
        inbox = collections.deque()
        ready = threading.Condition()

        def hand(item):
            with ready:
                inbox.append(item)
                ready.notify()

        self._attach(lambda items: inbox.extend(items), hand)
        try:
            while True:
                with ready:
                    ready.wait_for(lambda: inbox)
                    item = inbox.popleft()
                if item is _END:
                    return
                yield item
        finally:
            self._detach(inbox)

    async def results(self):
        """`async for result in queue.results()`: the results on the running loop, as they
        come; ends once the queue is closed and every result has been taken. The workers and
        the pump never run on the loop: each result is handed to it by call_soon_threadsafe."""
        loop = asyncio.get_running_loop()
        inbox = asyncio.Queue()

        def hand(item):
            try:
                loop.call_soon_threadsafe(inbox.put_nowait, item)
            except RuntimeError:  # the loop is closed: keep the result for the next reader
                self._buffer.append(item)

        self._attach(lambda items: [inbox.put_nowait(i) for i in items], hand)
        try:
            while True:
                item = await inbox.get()
                if item is _END:
                    return
                yield item
        finally:
            with self._lock:
                self._sink = None
            await asyncio.sleep(0)  # results already handed to the loop land in the inbox
            left = []
            while not inbox.empty():
                left.append(inbox.get_nowait())
            self._detach(left)

    # -- the pump

    def _check_open(self):
        if self._closed:
            raise RuntimeError("this Queue is closed")

    def _attach(self, take_buffered, hand):
        with self._lock:
            if self._callback is not None:
                raise RuntimeError("this Queue hands its results to its callback")
            if self._sink is not None:
                raise RuntimeError("this Queue's results are already being read")
            take_buffered(list(self._buffer))
            self._buffer.clear()
            if self._ended:
                take_buffered([_END])
            else:
                self._sink = hand

    def _detach(self, unread):
        """A reader stopped: what it was handed and did not take goes back to the buffer."""
        with self._lock:
            self._sink = None
            kept = [item for item in unread if item is not _END]
            self._buffer.extendleft(reversed(kept))

    def _run_pump(self):
        while True:
            kind, result = self._engine.next_result(None)
            with self._lock:
                # A reader's hand-over never blocks, so it runs under the lock: a reader that
                # detaches meanwhile gets back everything it was handed.
                if kind == "closed":
                    self._ended = True
                    if self._sink is not None and self._sink is not self._callback:
                        self._sink(_END)
                    return
                if self._sink is None:
                    self._buffer.append(result)
                    continue
                if self._sink is not self._callback:
                    self._sink(result)
                    continue
            try:
                self._callback(result)
            except Exception as error:  # the app's own: re-raised by close()
                if self._callback_error is None:
                    self._callback_error = error

    def __repr__(self):
        return f"<trackprint.Queue {self.path} {self.status()!r}>"
