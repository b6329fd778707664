"""trackprint.Queue and analyze_file_async: priorities, cancellation, results by callback,
iterator and asyncio, what reaches the store, and no CPU when idle.

The tracks are short WAVs written here (a tone each), so nothing depends on the corpus.
"""

import asyncio
import os
import sqlite3
import sys
import sysconfig
import threading
import time
import wave
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import trackprint


def write_wav(path, freq, seconds=1.0, rate=22050):
    t = np.arange(int(seconds * rate)) / rate
    samples = (0.3 * np.sin(2 * np.pi * freq * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())


@pytest.fixture(scope="module")
def wavs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tones")
    paths = [folder / f"tone_{i:02d}.wav" for i in range(60)]
    for i, path in enumerate(paths):
        write_wav(path, 200 + 10 * i)
    return paths


@pytest.fixture
def db(tmp_path):
    return tmp_path / "store.db"


def stored(db):
    """path -> (status, lufs) of every row of the store."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {p: (s, lufs) for p, s, lufs in con.execute("SELECT path, status, lufs FROM tracks")}
    finally:
        con.close()


def other_threads():
    """{tid: (ns on a CPU, times scheduled)} of every thread of this process but the caller's.

    From /proc/self/task/*/schedstat (nanoseconds, exact) and the context-switch counts of
    status, not from the whole-process tick counters: a 10 ms tick that happens to land in
    the window is not a busy thread, and a thread that wakes on a timer shows up here even
    when each wake-up costs microseconds.
    """
    me = threading.get_native_id()
    sample = {}
    for tid in os.listdir("/proc/self/task"):
        if int(tid) == me:
            continue
        try:
            with open(f"/proc/self/task/{tid}/schedstat") as f:
                ns = int(f.read().split()[0])
            with open(f"/proc/self/task/{tid}/status") as f:
                switches = sum(int(line.split()[1]) for line in f if "ctxt_switches" in line)
        except FileNotFoundError:  # the thread ended between listdir and open
            continue
        sample[int(tid)] = (ns, switches)
    return sample


def test_a_high_priority_file_overtakes_fifty_pending_ones(wavs, db):
    with trackprint.Queue(db, workers=1) as queue:
        assert queue.submit_many(wavs[:50]) == 50  # the worker starts on the first at once
        assert queue.submit(wavs[50], priority=10)
    order = [r.path for r in queue]
    assert sorted(order) == sorted(str(p) for p in wavs[:51])
    # Only the file already started before it was submitted may come first.
    assert order.index(str(wavs[50])) <= 1, order[:5]
    assert [p for p in order if p != str(wavs[50])] == [str(p) for p in wavs[:50]]


def test_a_pending_file_can_be_reprioritised(wavs, db):
    queue = trackprint.Queue(db, workers=1)
    queue.pause()
    queue.submit_many(wavs[:4])
    assert queue.submit(wavs[3], priority=5)
    assert not queue.submit(wavs[3], priority=5)  # already pending at that priority
    assert queue.submit(wavs[0], priority=-1)
    queue.resume()
    queue.close()
    order = [r.path for r in queue]
    assert order == [str(wavs[i]) for i in (3, 1, 2, 0)]


def test_cancel_takes_pending_files_out(wavs, db, tmp_path):
    queue = trackprint.Queue(db, workers=1)
    queue.pause()
    queue.submit_many(wavs[:10])
    assert queue.cancel(wavs[3]) and queue.cancel(str(wavs[7]))
    assert not queue.cancel(wavs[3])  # no longer pending
    assert not queue.cancel(tmp_path / "never_submitted.wav")
    assert queue.status().pending == 8
    queue.resume()
    assert queue.close() == []
    done = {r.path for r in queue}
    assert done == {str(p) for i, p in enumerate(wavs[:10]) if i not in (3, 7)}
    assert set(stored(db)) == done


def test_pause_starts_nothing_and_status_counts(wavs, db, tmp_path):
    bad = tmp_path / "not_audio.wav"
    bad.write_bytes(b"this is not a WAV file\n" * 50)
    queue = trackprint.Queue(db, workers=2)
    queue.pause()
    queue.submit_many([*wavs[:5], bad])
    time.sleep(0.3)
    s = queue.status()
    assert (s.pending, s.running, s.done, s.failed, s.paused, s.closed) == (6, 0, 0, 0, True, False)
    queue.resume()
    queue.close()
    s = queue.status()
    assert (s.pending, s.running, s.done, s.failed, s.closed) == (0, 0, 6, 1, True)
    assert s.tracks_per_s > 0 and s.store_error is None
    results = {r.path: r for r in queue}
    assert isinstance(results[str(bad)].error, trackprint.NotAudioError)
    assert results[str(bad)].fingerprint is None
    assert stored(db)[str(bad)] == ("failed", None)
    with pytest.raises(RuntimeError, match="closed"):
        queue.submit(wavs[0])


def test_each_result_is_committed_before_the_callback_sees_it(wavs, db):
    seen = []

    def callback(result):
        status, lufs = stored(db)[result.path]  # another connection: only committed rows
        seen.append((result.path, status, lufs, result.fingerprint["lufs"], threading.current_thread()))

    queue = trackprint.Queue(db, workers=2, callback=callback)
    queue.submit_many(wavs[:6])
    queue.close()
    assert sorted(p for p, *_ in seen) == sorted(str(p) for p in wavs[:6])
    for path, status, lufs, fingerprint_lufs, thread in seen:
        assert status == "analysed" and lufs == fingerprint_lufs
        assert thread is not threading.main_thread()
        assert fingerprint_lufs == trackprint.analyze_file(path)["lufs"]
    with pytest.raises(RuntimeError, match="callback"):
        next(iter(queue))


def test_an_exception_in_the_callback_is_raised_by_close(wavs, db):
    def callback(result):
        raise LookupError("the app's own bug")

    queue = trackprint.Queue(db, workers=1, callback=callback)
    queue.submit_many(wavs[:2])
    with pytest.raises(LookupError, match="own bug"):
        queue.close()
    assert len(stored(db)) == 2  # the results were stored all the same


def test_a_stored_file_is_answered_from_the_store(wavs, db):
    with trackprint.Queue(db, workers=1) as queue:
        queue.submit(wavs[0])
    (first,) = list(queue)
    assert not first.from_store and first.analysis_seconds > 0
    with trackprint.Queue(db, workers=1) as queue:
        queue.submit(wavs[0])
    (again,) = list(queue)
    assert again.from_store and again.analysis_seconds == 0
    assert again.fingerprint.as_dict() == first.fingerprint.as_dict()
    stat = os.stat(wavs[0])
    os.utime(wavs[0], ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # "changed"
    with trackprint.Queue(db, workers=1) as queue:
        queue.submit(wavs[0])
    (changed,) = list(queue)
    assert not changed.from_store and changed.fingerprint.as_dict() == first.fingerprint.as_dict()


def test_closing_with_work_pending_loses_nothing_that_finished(wavs, db):
    queue = trackprint.Queue(db, workers=2)
    queue.submit_many(wavs[:40])
    results = iter(queue)
    first = [next(results) for _ in range(3)]
    dropped = queue.close(wait=False)
    finished = [r.path for r in first] + [r.path for r in results]
    assert dropped, "the queue should still have had files pending"
    assert sorted(finished + dropped) == sorted(str(p) for p in wavs[:40])
    assert not set(finished) & set(dropped)
    rows = stored(db)
    assert set(rows) == set(finished) and all(s == "analysed" for s, _ in rows.values())


async def heartbeat_gaps(work):
    """The gaps between the ticks of a coroutine sleeping 10 ms at a time while `work()` is
    awaited on the same loop."""
    gaps = []
    stop = asyncio.Event()

    async def heartbeat():
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(heartbeat())
    await asyncio.sleep(0.05)
    result = await work()
    stop.set()
    await ticking
    return gaps, result


@pytest.fixture(scope="module")
def long_wavs(tmp_path_factory):
    """Tones of 30 s: each analysis (a few hundred ms) takes long enough that a queue holding
    the GIL (or running on the loop) through one would stop the heartbeat far beyond any
    scheduling delay."""
    folder = tmp_path_factory.mktemp("long_tones")
    paths = [folder / f"long_{i:02d}.wav" for i in range(20)]
    for i, path in enumerate(paths):
        write_wav(path, 300 + 20 * i, seconds=30.0)
    return paths


def test_asyncio_results_arrive_while_the_loop_keeps_ticking(long_wavs, db):
    async def through_the_queue():
        # Opened off the loop, as an app would (or before its loop starts): opening creates the
        # store, which waits on the disk.
        loop = asyncio.get_running_loop()
        queue = await loop.run_in_executor(None, lambda: trackprint.Queue(db, workers=2))
        got = []
        async with queue:
            queue.submit_many(long_wavs[:10])
            async for result in queue.results():
                got.append(result)
                if len(got) == 10:
                    break
        return got

    async def through_two_threads():
        loop = asyncio.get_running_loop()
        with ThreadPoolExecutor(2) as pool:
            return await asyncio.gather(
                *[loop.run_in_executor(pool, trackprint.analyze_file, p) for p in long_wavs[10:]])

    # What two busy threads alone cost the loop here, before and after: on a machine loaded by
    # others ticks come late without any queue, and no queue can do better than the kernel.
    baseline, _ = asyncio.run(heartbeat_gaps(through_two_threads))
    gaps, got = asyncio.run(heartbeat_gaps(through_the_queue))
    baseline_after, _ = asyncio.run(heartbeat_gaps(through_two_threads))
    assert sorted(r.path for r in got) == sorted(str(p) for p in long_wavs[:10])
    largest, median = max(gaps), sorted(gaps)[len(gaps) // 2]
    beside = max(max(baseline), max(baseline_after))
    print(f"\nheartbeat with the queue: {len(gaps)} ticks of 10 ms, largest gap "
          f"{largest * 1000:.1f} ms, median {median * 1000:.1f} ms; beside two plain analysis "
          f"threads: largest {beside * 1000:.1f} ms (load {os.getloadavg()[0]:.1f})")
    slowest = max(r.analysis_seconds for r in got)
    assert largest < max(0.05, 1.5 * beside), (
        f"a tick came {largest * 1000:.0f} ms after the previous one (an analysis took up to "
        f"{slowest * 1000:.0f} ms)")  # fmt: skip


def test_a_reader_that_stops_early_leaves_the_rest_for_the_next(wavs, db):
    async def first_two(queue):
        got = []
        async for result in queue.results():
            got.append(result.path)
            if len(got) == 2:
                break
        return got

    queue = trackprint.Queue(db, workers=2)
    queue.submit_many(wavs[:8])
    early = asyncio.run(first_two(queue))
    queue.close()
    rest = [r.path for r in queue]
    assert sorted(early + rest) == sorted(str(p) for p in wavs[:8])


def test_an_idle_queue_uses_no_cpu(wavs, db):
    with trackprint.Queue(db, workers=2) as queue:
        queue.submit(wavs[0])
        results = iter(queue)
        next(results)
        time.sleep(0.2)
        before = other_threads()
        time.sleep(1.0)
        after = other_threads()
        alive = before.keys() & after.keys()
        assert len(alive) >= 3, f"expected the 2 workers and the writer, saw {len(alive)} threads"
        ns = sum(after[t][0] - before[t][0] for t in alive)
        wakeups = sum(after[t][1] - before[t][1] for t in alive)
        print(f"\nidle queue: {len(alive)} threads, {ns / 1e6:.3f} ms of CPU, {wakeups} wake-ups in 1 s")
        assert wakeups == 0, f"the idle queue's threads woke {wakeups} times in 1 s"
        assert ns < 1_000_000, f"the idle queue's threads used {ns / 1e6:.3f} ms of CPU in 1 s"
        results.close()


def test_the_store_is_busy_while_a_queue_holds_it(wavs, db):
    with trackprint.Queue(db, workers=1):
        with pytest.raises(trackprint.Error, match="busy"):
            trackprint.Library(db).scan(wavs[0].parent)
        with pytest.raises(trackprint.Error, match="busy"):
            trackprint.Queue(db)
    assert trackprint.Library(db).scan(wavs[0]).analysed == 1  # free again once closed


def test_many_threads_can_feed_one_queue(wavs, db):
    queue = trackprint.Queue(db, workers=2)
    queue.pause()
    errors = []

    def feed(part):
        try:
            for p in part:
                queue.submit(p)
                queue.status()
            queue.cancel(part[0])
        except Exception as e:  # noqa: BLE001: reported below
            errors.append(e)

    threads = [threading.Thread(target=feed, args=(wavs[i::4][:5],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert queue.status().pending == 16
    queue.resume()
    queue.close()
    assert len(list(queue)) == 16


def test_analyze_file_async(wavs, tmp_path):
    async def main():
        with ThreadPoolExecutor(1) as pool:
            return await asyncio.gather(trackprint.analyze_file_async(wavs[0]),
                                        trackprint.analyze_file_async(wavs[1], executor=pool))  # fmt: skip

    a, b = asyncio.run(main())
    assert a.as_dict() == trackprint.analyze_file(wavs[0]).as_dict()
    assert b.as_dict() == trackprint.analyze_file(wavs[1]).as_dict()
    (tmp_path / "bad.wav").write_bytes(b"x" * 100)
    with pytest.raises(trackprint.NotAudioError):
        asyncio.run(trackprint.analyze_file_async(tmp_path / "bad.wav"))


@pytest.mark.skipif(not sysconfig.get_config_var("Py_GIL_DISABLED"),
                    reason="not a free-threaded interpreter")  # fmt: skip
def test_the_module_keeps_the_gil_off_on_a_free_threaded_interpreter():
    assert not sys._is_gil_enabled()
