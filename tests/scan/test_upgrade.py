"""Stores written by earlier builds open, read as they are, and upgrade through every migration.

tests/data/store-v0.1.0 was written by trackprint 0.1.0 (schema 1), tests/data/store-schema2 by
main just before the tags migration (schema 2); both from the three files of
store-v0.1.0/music. Each test copies a store and moves its paths to the copy's folder (with
sqlite3, leaving its schema as it was), so that a scan finds the files unchanged.
"""
import json
import os
import shutil
import sqlite3
import tempfile
import unittest

from scantools import SPEC_NAMES, TAG_NAMES, rows, run

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
MUSIC = os.path.join(DATA, "store-v0.1.0", "music")
SCHEMA = 3  # this build's
# What both stores hold for a_tone.flac, as read back from the committed files.
A_TONE_LUFS = -21.707787780295405
B_TONE_LUFS = -21.560111594750325
A_TONE_TAGS = {"title": "A Tone", "artist": "Test Artist", "album": "Test Album",
               "album_artist": "Various", "genre": "Test", "track_number": 3,
               "date": "2024-05-01",
               "musicbrainz_recording_id": "0b3a8bd6-0b6c-4a2f-9a3c-5b1d8f5e1c2a"}


def columns(db):
    con = sqlite3.connect(db)
    try:
        return [(r[1], r[2]) for r in con.execute("PRAGMA table_info(tracks)")]
    finally:
        con.close()


def numbers_version():
    """Which bits the build under test computes (`trackprint --version`)."""
    r = run("--version")
    return int(r.stdout.split("numbers ")[1].rstrip(")\n"))


def stored_numbers_versions(db):
    con = sqlite3.connect(db)
    try:
        return {r[0] for r in con.execute(
            "SELECT numbers_version FROM tracks WHERE numbers_version IS NOT NULL")}
    finally:
        con.close()


def user_version(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()


class OldStore:
    """A copy of tests/data/<STORE>/library.db whose paths point at a copy of the music."""
    STORE = None
    OLD_ROOT = None
    SCHEMA_BEFORE = None

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="trackprint-upgrade-")
        self.music = os.path.join(self.tmp, "music")
        shutil.copytree(MUSIC, self.music)
        self.db = os.path.join(self.tmp, "library.db")
        shutil.copy(os.path.join(DATA, self.STORE, "library.db"), self.db)
        con = sqlite3.connect(self.db)
        with con:
            for path, mtime_ns in con.execute("SELECT path, mtime_ns FROM tracks").fetchall():
                moved = path.replace(self.OLD_ROOT, self.music)
                os.utime(moved, ns=(mtime_ns, mtime_ns))  # the identity the store knows
                con.execute("UPDATE tracks SET path = ? WHERE path = ?", (moved, path))
        con.close()
        self.before = rows(self.db)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.music, name)

    def show(self, key):
        r = run("show", "--db", self.db, "--json", key)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def analysed(self, name):
        """This build's fingerprint of a file of the store's folder (`analyze --json`)."""
        r = run("analyze", "--json", self.path(name))
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def scan(self):
        r = run("scan", "--db", self.db, "--progress", "json", self.music)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout.splitlines()[-1])

    def test_the_committed_store_has_its_schema(self):
        self.assertEqual(user_version(self.db), self.SCHEMA_BEFORE)
        self.assertEqual(len(self.before), 3)
        self.assertNotIn("title", self.before[self.path("a_tone.flac")])

    def test_it_reads_as_it_is_without_being_changed(self):
        with open(self.db, "rb") as f:
            raw = f.read()
        r = run("status", "--db", self.db)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"(schema {self.SCHEMA_BEFORE})", r.stdout)
        self.assertIn("analysed: 2", r.stdout)
        a = self.show(self.path("a_tone.flac"))
        self.assertEqual(a["lufs"], A_TONE_LUFS)
        self.assertIsNone(a["title"])
        with open(self.db, "rb") as f:
            self.assertEqual(f.read(), raw, "a read-only command changed the store")

    def check_upgraded(self):
        """Schema and columns of a new store; the failed row as it was; the tags read."""
        self.assertEqual(user_version(self.db), SCHEMA)
        fresh = os.path.join(self.tmp, "fresh.db")
        os.mkdir(os.path.join(self.tmp, "empty"))
        self.assertEqual(run("scan", "--db", fresh, "--quiet", os.path.join(self.tmp, "empty"))
                         .returncode, 0)
        self.assertEqual(columns(self.db), columns(fresh),
                         "an upgraded store has the columns of a new one, in the same order")
        after = rows(self.db)
        broken = self.path("broken.mp3")
        for name, value in self.before[broken].items():
            self.assertEqual(after[broken][name], value, f"broken.mp3: {name}")
        self.assertEqual({p: r["id"] for p, r in after.items()},
                         {p: r["id"] for p, r in self.before.items()}, "ids are kept")
        # The store now holds this build's fingerprints (analysed again where they were outdated):
        # the committed values, give or take the last digits a numbers version moves.
        a = self.show("1")
        self.assertEqual(a["lufs"], self.analysed("a_tone.flac")["lufs"])
        self.assertAlmostEqual(a["lufs"], A_TONE_LUFS, places=6)
        self.assertEqual({k: a[k] for k in TAG_NAMES}, A_TONE_TAGS)
        b = self.show("2")
        self.assertEqual(b["lufs"], self.analysed("b_tone.flac")["lufs"])
        self.assertAlmostEqual(b["lufs"], B_TONE_LUFS, places=6)
        self.assertEqual([b[k] for k in TAG_NAMES], [None] * 8)
        self.assertEqual(self.show(broken)["error_kind"], "not_audio")
        return after

    def test_a_scan_upgrades_it_through_every_migration(self):
        self.check_upgraded_by(self.scan())
        again = self.scan()
        self.assertEqual((again["analysed"], again["tags_read"]), (0, 0), "all done once")


class UpgradeFromTheFirstRelease(OldStore, unittest.TestCase):
    STORE = "store-v0.1.0"
    OLD_ROOT = "/tmp/trackprint-v0.1.0-store/music"
    SCHEMA_BEFORE = 1

    def check_upgraded_by(self, done):
        # Schema 1 kept no numbers version: its fingerprints are outdated and analysed again,
        # which reads their tags too.
        self.assertEqual((done["analysed"], done["failed"], done["unchanged"]), (2, 0, 1))
        self.assertEqual(done["tags_read"], 0)
        self.check_upgraded()


class UpgradeFromSchema2(OldStore, unittest.TestCase):
    STORE = "store-schema2"
    OLD_ROOT = "/tmp/trackprint-schema2-store/music"
    SCHEMA_BEFORE = 2

    def check_upgraded_by(self, done):
        made_by = {r["numbers_version"] for r in self.before.values()
                   if r["numbers_version"] is not None}
        self.assertEqual(made_by, {1})
        if numbers_version() != 1:
            # Made by numbers version 1, which this build no longer computes: the two
            # fingerprints are outdated and analysed again, which reads their tags too.
            self.assertEqual(stored_numbers_versions(self.db), {numbers_version()})
            self.assertEqual((done["analysed"], done["failed"], done["unchanged"]), (2, 0, 1))
            self.assertEqual(done["tags_read"], 0)
            self.check_upgraded()
            return
        # Current fingerprints stay: only the tags of the two analysed tracks are read.
        self.assertEqual((done["analysed"], done["failed"], done["unchanged"]), (0, 0, 3))
        self.assertEqual(done["tags_read"], 2, "the two analysed tracks, not the failed one")
        after = self.check_upgraded()
        for path, old in self.before.items():
            for name, value in old.items():
                self.assertEqual(after[path][name], value, f"{path}: {name}")
        a = self.show("1")
        for name in SPEC_NAMES:
            self.assertEqual(a[name], self.before[self.path("a_tone.flac")][name])


if __name__ == "__main__":
    unittest.main()
