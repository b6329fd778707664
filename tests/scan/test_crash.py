"""The crash test: scans killed with SIGKILL at random moments leave a valid store, and the
next scan continues where the killed one stopped, with no track lost, duplicated or
half-written; at the end the store equals a clean scan's.

At least 20 kills (6 in sanitizer builds, which are several times slower). The random seed is
printed; TRACKPRINT_CRASH_SEED replays a run.
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

from scantools import BIN, SLOW_BUILD, TrackCache, integrity, rows

KILLS = 6 if SLOW_BUILD else 20
BOOKKEEPING = {"id", "analysed_at", "analysis_s"}


def scan_command(db, lib):
    return [BIN, "scan", "--db", db, "--jobs", "2", "--progress", "json", lib]


def content(db):
    """path -> every column that depends on the file (not on when it was analysed)."""
    return {p: {k: v for k, v in r.items() if k not in BOOKKEEPING} for p, r in rows(db).items()}


def audio_files(lib):
    out = []
    for folder, _, names in os.walk(lib):
        out += [os.path.join(folder, n) for n in names if not n.endswith((".jpg", ".txt"))]
    return sorted(out)


class CrashTest(unittest.TestCase):
    def setUp(self):
        self.tracks = TrackCache()
        self.tmp = tempfile.mkdtemp(prefix="trackprint-crash-")
        self.lib = os.path.join(self.tmp, "music")
        self.tracks.library(os.path.join(self.lib, "a"))
        self.tracks.library(os.path.join(self.lib, "b"), bad=False)
        self.files = audio_files(self.lib)
        self.db = os.path.join(self.tmp, "crash.db")
        self.clean_db = os.path.join(self.tmp, "clean.db")

    def tearDown(self):
        self.tracks.remove()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def touch_all(self, round_no):
        # A new mtime for every file: the whole library is changed and analysed again.
        for f in self.files:
            st = os.stat(f)
            os.utime(f, ns=(st.st_atime_ns, 1_600_000_000_000_000_000 + round_no * 1_000_000_000))

    def clean_reference(self):
        if os.path.exists(self.clean_db):
            os.remove(self.clean_db)
        r = subprocess.run(scan_command(self.clean_db, self.lib), capture_output=True, text=True)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        return content(self.clean_db)

    def check_store_after_kill(self, reference):
        """The killed scan's store: valid, and every row either whole or pending."""
        if not os.path.exists(self.db):
            return {}  # killed before the store was created
        self.assertEqual(integrity(self.db), [("ok",)])
        stored = content(self.db)
        self.assertLessEqual(set(stored), set(self.files))
        for path, row in stored.items():
            if row["status"] == "pending":
                self.assertIsNone(row["lufs"], path)
                self.assertIsNone(row["fingerprint_version"], path)
            else:
                self.assertIn(row["status"], ("analysed", "failed"), path)
                # Whole rows of some analysis of this content: equal to the clean scan's,
                # except for the identity when the kill came before this round's rows.
                ref = dict(reference[path], size=row["size"], mtime_ns=row["mtime_ns"])
                self.assertEqual(row, ref, path)
        return stored

    def left_to_do(self, stored):
        """Files the next scan must analyse: not stored whole with their current identity."""
        n = 0
        for f in self.files:
            st = os.stat(f)
            row = stored.get(f)
            if (row is None or row["status"] == "pending" or row["size"] != st.st_size
                    or row["mtime_ns"] != st.st_mtime_ns):
                n += 1
        return n

    def test_sigkill_at_random_moments(self):
        seed = int(os.environ.get("TRACKPRINT_CRASH_SEED", time.time_ns() % 1_000_000))
        rng = random.Random(seed)
        print(f"\ncrash test: seed {seed}, {KILLS} kills, {len(self.files)} files",
              file=sys.stderr)
        start = time.monotonic()
        reference = self.clean_reference()
        clean_seconds = time.monotonic() - start

        kills = 0
        round_no = 0
        while kills < KILLS:
            round_no += 1
            self.touch_all(round_no)
            # One kill, sometimes two in a row (the second kills a resumed scan).
            for _ in range(1 if rng.random() < 0.5 else 2):
                p = subprocess.Popen(scan_command(self.db, self.lib), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
                time.sleep(rng.uniform(0, clean_seconds * 0.9))
                if p.poll() is None:
                    p.kill()
                    kills += 1
                p.wait()
                stored = self.check_store_after_kill(reference)
            todo = self.left_to_do(stored)
            r = subprocess.run(scan_command(self.db, self.lib), capture_output=True, text=True)
            self.assertIn(r.returncode, (0, 1), r.stderr)
            done = json.loads(r.stdout.splitlines()[-1])
            self.assertEqual(done["analysed"] + done["failed"], todo,
                             f"round {round_no}: the resumed scan redid or skipped work")
            for path, row in content(self.db).items():
                st = os.stat(path)
                self.assertEqual(row, dict(reference[path], mtime_ns=st.st_mtime_ns), path)

        final = content(self.db)
        self.assertEqual(sorted(final), self.files)  # every track exactly once
        self.assertEqual(final, self.clean_reference())
        print(f"crash test: {kills} kills in {round_no} rounds, store equals a clean scan",
              file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
