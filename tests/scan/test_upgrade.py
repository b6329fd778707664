"""A store written by trackprint 0.1.0 (tests/data/store-v0.1.0) opens, upgrades and reads.

The store was made by the 0.1.0 binary from the files beside it, under
/tmp/trackprint-v0.1.0-store/music; each test copies it and moves its paths to the copy's
folder (with sqlite3, leaving it a 0.1.0 store), so that a scan finds the files unchanged.
"""
import json
import os
import shutil
import sqlite3
import tempfile
import unittest

from scantools import SPEC_NAMES, rows, run

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "store-v0.1.0")
OLD_ROOT = "/tmp/trackprint-v0.1.0-store/music"
# What 0.1.0 stored, as read back from the committed file (they must never change).
A_TONE_LUFS = -21.707787780295405
B_TONE_LUFS = -21.560111594750325


def columns(db):
    con = sqlite3.connect(db)
    try:
        return [(r[1], r[2]) for r in con.execute("PRAGMA table_info(tracks)")]
    finally:
        con.close()


def user_version(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()


class UpgradeFromTheFirstRelease(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="trackprint-upgrade-")
        self.music = os.path.join(self.tmp, "music")
        shutil.copytree(os.path.join(DATA, "music"), self.music)
        self.db = os.path.join(self.tmp, "library.db")
        shutil.copy(os.path.join(DATA, "library.db"), self.db)
        con = sqlite3.connect(self.db)
        with con:
            for path, mtime_ns in con.execute("SELECT path, mtime_ns FROM tracks").fetchall():
                moved = path.replace(OLD_ROOT, self.music)
                os.utime(moved, ns=(mtime_ns, mtime_ns))  # the identity the store knows
                con.execute("UPDATE tracks SET path = ? WHERE path = ?", (moved, path))
        con.close()
        self.before = rows(self.db)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def show(self, key):
        r = run("show", "--db", self.db, "--json", key)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_the_committed_store_is_a_0_1_0_store(self):
        self.assertEqual(user_version(self.db), 1)
        self.assertEqual(len(self.before), 3)
        self.assertNotIn("title", self.before[os.path.join(self.music, "a_tone.flac")])

    def test_it_reads_as_it_is_without_being_changed(self):
        with open(self.db, "rb") as f:
            raw = f.read()
        r = run("status", "--db", self.db)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("(schema 1)", r.stdout)
        self.assertIn("analysed: 2", r.stdout)
        a = self.show(os.path.join(self.music, "a_tone.flac"))
        self.assertEqual(a["lufs"], A_TONE_LUFS)
        self.assertIsNone(a["title"])
        with open(self.db, "rb") as f:
            self.assertEqual(f.read(), raw, "a read-only command changed the store")

    def test_a_scan_upgrades_it_keeps_every_value_and_reads_the_tags_it_lacked(self):
        r = run("scan", "--db", self.db, "--progress", "json", self.music)
        self.assertEqual(r.returncode, 0, r.stderr)
        done = json.loads(r.stdout.splitlines()[-1])
        self.assertEqual((done["analysed"], done["failed"], done["unchanged"]), (0, 0, 3))
        self.assertEqual(done["tags_read"], 2, "the two analysed tracks, not the failed one")
        self.assertEqual(user_version(self.db), 2)

        fresh = os.path.join(self.tmp, "fresh.db")
        os.mkdir(os.path.join(self.tmp, "empty"))
        self.assertEqual(run("scan", "--db", fresh, "--quiet", os.path.join(self.tmp, "empty"))
                         .returncode, 0)
        self.assertEqual(columns(self.db), columns(fresh),
                         "an upgraded store has the columns of a new one, in the same order")

        after = rows(self.db)
        for path, old in self.before.items():
            for name, value in old.items():
                self.assertEqual(after[path][name], value, f"{path}: {name}")
        a = self.show("1")
        self.assertEqual(a["lufs"], A_TONE_LUFS)
        self.assertEqual((a["title"], a["artist"], a["album"], a["album_artist"]),
                         ("A Tone", "Test Artist", "Test Album", "Various"))
        self.assertEqual((a["genre"], a["track_number"], a["date"]), ("Test", 3, "2024-05-01"))
        self.assertEqual(a["musicbrainz_recording_id"], "0b3a8bd6-0b6c-4a2f-9a3c-5b1d8f5e1c2a")
        b = self.show("2")
        self.assertEqual(b["lufs"], B_TONE_LUFS)
        self.assertEqual([b[k] for k in ("title", "artist", "album", "track_number")],
                         [None] * 4)
        broken = self.show(os.path.join(self.music, "broken.mp3"))
        self.assertEqual((broken["status"], broken["error_kind"]), ("failed", "not_audio"))
        for name in SPEC_NAMES:
            self.assertEqual(a[name], self.before[os.path.join(self.music, "a_tone.flac")][name])

        again = run("scan", "--db", self.db, "--progress", "json", self.music)
        done = json.loads(again.stdout.splitlines()[-1])
        self.assertEqual((done["analysed"], done["tags_read"]), (0, 0), "tags are read once")


if __name__ == "__main__":
    unittest.main()
