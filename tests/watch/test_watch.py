"""`trackprint watch` as a user meets it: it scans, then follows copies, renames, deletions and
folders moved in, holds the store against a concurrent scan, and stops cleanly on a signal.

Run by ctest with TRACKPRINT_BIN and TRACKPRINT_FAULTY_IO (standard library only; tracks are
generated with ffmpeg, as in tests/scan). Each test starts `watch --progress json` on a fresh
folder and reads its events.
"""
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scan"))
from scantools import BIN, fingerprints, make_track, rows, run  # noqa: E402

SETTLE = "0.5"
SHIM = os.environ.get("TRACKPRINT_FAULTY_IO", "")
TIMEOUT = 60  # seconds for one expected event (sanitizer builds are slow)


def tone(path, freq, seconds=2):
    make_track(str(path), ["-f", "lavfi", "-i", f"sine=frequency={freq}:duration={seconds}"])


class Watch:
    """A running `trackprint watch --progress json`, its events read on a thread."""

    def __init__(self, db, *dirs, extra=(), env=None):
        self.proc = subprocess.Popen([BIN, "watch", "--db", db, "--progress", "json",
                                      "--settle", SETTLE, *extra, *dirs],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env=env)  # fmt: skip
        self.events = queue.Queue()
        self.seen = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.events.put(json.loads(line))
        self.events.put(None)

    def wait_for(self, test, what):
        """The first event (not yet taken) for which test(event) holds."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                e = self.events.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if e is None:
                raise AssertionError(f"watch ended before {what}: {self.proc.stderr.read()}")
            self.seen.append(e)
            if test(e):
                return e
        raise AssertionError(f"no {what} within {TIMEOUT} s; events: {self.seen}")

    def quiet_for(self, seconds):
        """The events of the next `seconds`."""
        got = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                e = self.events.get(timeout=left)
            except queue.Empty:
                break
            if e is None:
                break
            got.append(e)
        self.seen += got
        return got

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        self.stderr = self.proc.stderr.read()
        return self.proc.wait(timeout=TIMEOUT)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()


def event(kind, path=None):
    return lambda e: e["event"] == kind and (path is None or e.get("path") == str(path))


class WatchTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="trackprint-watch-test-")
        self.music = os.path.join(self.tmp, "music")
        self.outside = os.path.join(self.tmp, "outside")
        os.makedirs(self.music)
        os.makedirs(self.outside)
        tone(os.path.join(self.music, "a.wav"), 220)
        tone(os.path.join(self.music, "b.wav"), 330)
        self.db = os.path.join(self.tmp, "store.db")
        self.watch = Watch(self.db, self.music)
        self.addCleanup(self.watch.kill)
        done = self.watch.wait_for(event("done"), "the first scan")
        self.assertEqual((done["found"], done["analysed"]), (2, 2))
        self.assertEqual(self.watch.wait_for(event("watching"), "watching")["mode"], "inotify")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, *names):
        return os.path.join(self.music, *names)

    def test_a_file_copied_in_slowly_is_analysed_once_whole(self):
        source = os.path.join(self.outside, "slow.wav")
        tone(source, 440, seconds=3)
        with open(source, "rb") as f:
            data = f.read()
        dest = self.path("slow.wav")
        with open(dest, "wb") as f:  # four pieces, each pause longer than the settle time
            for i in range(4):
                f.write(data[i * len(data) // 4:(i + 1) * len(data) // 4])
                f.flush()
                time.sleep(0.8)
        self.watch.wait_for(event("analysed", dest), "the copied file analysed")
        later = self.watch.quiet_for(2 * float(SETTLE) + 1)
        self.assertEqual([e for e in later if e.get("path") == dest], [])  # once only
        row = rows(self.db)[dest]
        self.assertEqual((row["status"], row["size"]), ("analysed", len(data)))
        self.assertAlmostEqual(row["duration_s"], 3.0, places=2)

    def test_a_tagged_file_moved_in_is_stored_with_its_tags(self):
        source = os.path.join(self.outside, "tagged.flac")
        make_track(source, ["-f", "lavfi", "-i", "sine=frequency=880:duration=1",
                            "-metadata", "title=Watched", "-metadata", "artist=Ärtist",
                            "-metadata", "track=5/9"])  # fmt: skip
        dest = self.path("tagged.flac")
        os.rename(source, dest)
        self.watch.wait_for(event("analysed", dest), "the tagged file analysed")
        row = rows(self.db)[dest]
        self.assertEqual((row["status"], row["title"], row["artist"], row["track_number"]),
                         ("analysed", "Watched", "Ärtist", 5))
        self.assertEqual(row["tags_read"], 1)

    def test_a_renamed_file_keeps_its_fingerprint_without_analysis(self):
        before = rows(self.db)[self.path("a.wav")]
        os.rename(self.path("a.wav"), self.path("renamed.wav"))
        e = self.watch.wait_for(event("renamed"), "the rename")
        self.assertEqual((e["from"], e["path"]), (self.path("a.wav"), self.path("renamed.wav")))
        after = rows(self.db)
        self.assertNotIn(self.path("a.wav"), after)
        row = after[self.path("renamed.wav")]
        self.assertEqual((row["id"], row["analysed_at"], row["analysis_s"], row["lufs"]),
                         (before["id"], before["analysed_at"], before["analysis_s"], before["lufs"]))
        self.assertEqual([e for e in self.watch.quiet_for(1.5) if e["event"] == "analysed"], [])

    def test_a_deleted_file_is_marked_missing(self):
        os.unlink(self.path("b.wav"))
        self.watch.wait_for(event("missing", self.path("b.wav")), "the deletion")
        row = rows(self.db)[self.path("b.wav")]
        self.assertEqual(row["status"], "missing")
        self.assertIsNotNone(row["lufs"])  # the fingerprint is kept while missing

    def test_a_folder_moved_in_is_analysed_and_a_folder_renamed_moves_its_rows(self):
        album = os.path.join(self.outside, "album")
        for i, freq in enumerate((500, 600, 700)):
            tone(os.path.join(album, "cd1", f"{i}.flac"), freq)
        os.rename(album, self.path("album"))
        expected = {self.path("album", "cd1", f"{i}.flac") for i in range(3)}
        got = set()
        while got != expected:
            got.add(self.watch.wait_for(event("analysed"), "the folder's tracks")["path"])
        stored = fingerprints(self.db)
        os.rename(self.path("album"), self.path("album (2020)"))
        renamed = {self.watch.wait_for(event("renamed"), "the folder's rename")["path"]
                   for _ in range(3)}
        self.assertEqual(renamed, {p.replace("/album/", "/album (2020)/") for p in expected})
        after = fingerprints(self.db)
        for p in expected:
            self.assertEqual(after[p.replace("/album/", "/album (2020)/")], stored[p])
            self.assertNotIn(p, after)

    def test_a_scan_meanwhile_says_the_store_is_busy(self):
        r = run("scan", "--db", self.db, "--quiet", self.music)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("store busy", r.stderr)

    def test_sigterm_and_ctrl_c_stop_it_cleanly(self):
        self.assertEqual(self.watch.stop(signal.SIGTERM), 128 + signal.SIGTERM, self.watch.stderr)
        stopped = self.watch.wait_for(event("stopped"), "the stop event")
        self.assertEqual(stopped["signal"], signal.SIGTERM)
        # The store is whole and free: a scan finds everything unchanged.
        r = run("scan", "--db", self.db, "--progress", "json", self.music)
        done = [json.loads(line) for line in r.stdout.splitlines()][-1]
        self.assertEqual((r.returncode, done["unchanged"]), (0, 2), r.stderr)
        again = Watch(self.db, self.music)
        self.addCleanup(again.kill)
        again.wait_for(event("watching"), "watching again")
        self.assertEqual(again.stop(signal.SIGINT), 128 + signal.SIGINT, again.stderr)

    def test_a_file_that_crashes_the_watch_is_blamed_as_after_a_crashed_scan(self):
        # The watch's queue marks each file in flight before analysing it and witnesses a
        # crash, as scan does: the scans after it retry the file alone, then blame it.
        if not SHIM:
            raise AssertionError("TRACKPRINT_FAULTY_IO (the fault shim) is not set")
        self.watch.stop()
        env = dict(os.environ, LD_PRELOAD=SHIM, TRACKPRINT_FAULT="crash",
                   TRACKPRINT_FAULT_PATH="crash-me.wav", TRACKPRINT_FAULT_AFTER="0")
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
        crashing = Watch(self.db, self.music, env=env)
        self.addCleanup(crashing.kill)
        crashing.wait_for(event("watching"), "watching")
        crasher = self.path("crash-me.wav")
        tone(crasher, 550)
        self.assertNotEqual(crashing.proc.wait(timeout=TIMEOUT), 0)
        self.assertTrue(os.path.exists(self.db + "-crashed"))  # what the witness leaves
        status = run("status", "--db", self.db, "--json")
        self.assertEqual(json.loads(status.stdout)["in_flight"], [{"path": crasher}])

        def finished(r):  # the scan's "done" event, or None when it died first
            last = [json.loads(line) for line in r.stdout.splitlines()][-1:]
            return last[0] if last and last[0]["event"] == "done" else None

        scans = [run("scan", "--db", self.db, "--progress", "json", self.music, env=env)
                 for _ in range(2)]  # fmt: skip
        # The first retries it alone and dies again; the second blames it and completes.
        self.assertEqual([finished(r) is not None for r in scans], [False, True], scans[-1].stderr)
        self.assertEqual((scans[-1].returncode, finished(scans[-1])["failed"]), (1, 1))
        row = rows(self.db)[crasher]
        self.assertEqual((row["status"], row["error_kind"]), ("failed", "crashed"))
        self.assertEqual(json.loads(run("status", "--db", self.db, "--json").stdout)["in_flight"],
                         [])


class PollTest(unittest.TestCase):
    def test_without_inotify_it_rescans_and_says_so(self):
        tmp = tempfile.mkdtemp(prefix="trackprint-watch-test-")
        self.addCleanup(shutil.rmtree, tmp, True)
        music = os.path.join(tmp, "music")
        os.makedirs(music)
        tone(os.path.join(music, "a.wav"), 220)
        w = Watch(os.path.join(tmp, "store.db"), music, extra=("--poll", "1"))
        self.addCleanup(w.kill)
        self.assertEqual(w.wait_for(event("watching"), "watching")["mode"], "rescans every 1 s")
        tone(os.path.join(music, "new.wav"), 330)
        w.wait_for(event("analysed", os.path.join(music, "new.wav")), "the rescan's analysis")
        os.unlink(os.path.join(music, "a.wav"))
        w.wait_for(event("missing", os.path.join(music, "a.wav")), "the rescan's missing file")
        self.assertEqual(w.stop(), 128 + signal.SIGTERM)

    def test_out_of_inotify_watches_it_falls_back_to_rescans_and_says_so(self):
        tmp = tempfile.mkdtemp(prefix="trackprint-watch-test-")
        self.addCleanup(shutil.rmtree, tmp, True)
        music = os.path.join(tmp, "music")
        for folder in ("a", "b", "c", "d"):
            os.makedirs(os.path.join(music, folder))
        tone(os.path.join(music, "a", "one.wav"), 220)
        # A user namespace of its own with room for 2 watches: the 5 folders do not fit, and
        # the machine's own limit is left alone.
        limit = "echo 2 > /proc/sys/user/max_inotify_watches && exec \"$@\""
        w = Watch(os.path.join(tmp, "store.db"), music, extra=("--poll", "1"))
        w.kill()
        w.proc = subprocess.Popen(["unshare", "--user", "--map-root-user", "sh", "-c", limit, "sh",
                                   BIN, "watch", "--db", os.path.join(tmp, "store.db"),
                                   "--progress", "json", "--settle", SETTLE, music],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        w.events = queue.Queue()
        threading.Thread(target=w._read, daemon=True).start()
        self.addCleanup(w.kill)
        warning = w.wait_for(event("warning"), "the warning")
        self.assertIn("out of inotify watches", warning["message"])
        self.assertIn("rescans every 300 s", w.wait_for(event("watching"), "watching")["mode"])
        self.assertEqual(w.stop(), 128 + signal.SIGTERM)
        self.assertIn("trackprint: warning: out of inotify watches", w.stderr)


if __name__ == "__main__":
    unittest.main()
