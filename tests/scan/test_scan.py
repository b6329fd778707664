"""`trackprint scan`, `status`, `show` and `export` as users and other programs meet them.

Run by ctest with TRACKPRINT_BIN and TRACKPRINT_CORPUS; standard library only. The store is
read back with Python's own sqlite3, as docs/store.md tells other programs to.
"""
import hashlib
import json
import os
import pty
import random
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

from scantools import (BAD_TRACKS, BIN, CORPUS, GOOD_TRACKS, SLOW_BUILD, SPEC_NAMES, TAG_NAMES,
                       TrackCache, fingerprints, integrity, make_track, rows, run)

tracks = None


def setUpModule():
    global tracks
    tracks = TrackCache()


def tearDownModule():
    tracks.remove()


def events(stdout):
    return [json.loads(line) for line in stdout.splitlines()]


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class LibraryTest(unittest.TestCase):
    """Each test gets a fresh library folder and store path."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="trackprint-scan-test-")
        self.lib = tracks.library(os.path.join(self.tmp, "music"))
        self.db = os.path.join(self.tmp, "store.db")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def scan(self, *extra, expect=None):
        r = run("scan", "--db", self.db, "--progress", "json", *extra, self.lib)
        if expect is not None:
            self.assertEqual(r.returncode, expect, r.stderr)
        done = events(r.stdout)[-1]
        self.assertEqual(done["event"], "done")
        return r, done

    def path(self, name):
        return os.path.join(self.lib, name)


class FirstScan(LibraryTest):
    def test_every_audio_file_gets_one_row_and_failures_keep_kind_and_reason(self):
        r, done = self.scan(expect=1)  # some files failed
        self.assertEqual(done["found"], len(GOOD_TRACKS) + len(BAD_TRACKS))
        self.assertEqual(done["analysed"], len(GOOD_TRACKS))
        self.assertEqual(done["failed"], len(BAD_TRACKS))
        stored = rows(self.db)
        self.assertEqual(set(stored), {self.path(n) for n in [*GOOD_TRACKS, *BAD_TRACKS]})
        for name in GOOD_TRACKS:
            row = stored[self.path(name)]
            self.assertEqual(row["status"], "analysed", name)
            self.assertEqual(row["fingerprint_version"], 1)
            self.assertIsNone(row["error_kind"])
            self.assertTrue(all(isinstance(row[n], float) for n in SPEC_NAMES), name)
            self.assertEqual(row["size"], os.stat(self.path(name)).st_size)
            self.assertEqual(row["mtime_ns"], os.stat(self.path(name)).st_mtime_ns)
        for name, kind in BAD_TRACKS.items():
            row = stored[self.path(name)]
            self.assertEqual((row["status"], row["error_kind"]), ("failed", kind), name)
            self.assertTrue(row["reason"], name)
            self.assertIsNone(row["lufs"])
            # Failures are reported as they happen too, naming the file.
            self.assertIn(self.path(name) + "\"", r.stdout)

    def test_the_schema_is_the_documented_one(self):
        self.scan()
        con = sqlite3.connect(self.db)
        self.assertEqual(con.execute("PRAGMA user_version").fetchone()[0], 3)
        self.assertEqual(con.execute("PRAGMA journal_mode").fetchone()[0], "wal")
        columns = [c[1] for c in con.execute("PRAGMA table_info(tracks)")]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_schema WHERE type='table'")}
        in_flight = [c[1] for c in con.execute("PRAGMA table_info(in_flight)")]
        con.close()
        self.assertEqual(in_flight, ["path", "alone", "alone_deaths"])
        self.assertEqual(columns[:15], [
            "id", "path", "size", "mtime_ns", "status", "error_kind", "reason",
            "fingerprint_version", "engine_version", "analysed_at", "analysis_s", "duration_s",
            "sample_rate", "channels", "codec"])
        self.assertEqual(columns[15:40], SPEC_NAMES)
        self.assertEqual(columns[40:], ["numbers_version"] + TAG_NAMES + ["tags_read"])
        self.assertEqual(tables, {"tracks", "in_flight", "metrics", "metric_dimensions"})

    def test_status_counts_and_lists_the_failures(self):
        self.scan()
        r = run("status", "--db", self.db)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"analysed: {len(GOOD_TRACKS)}\n", r.stdout)
        self.assertIn("failed:   4 (decode 1, not_audio 2, too_short 1)\n", r.stdout)
        self.assertIn("pending:  0\n", r.stdout)
        self.assertIn(f"  {self.path('short_0.3s.flac')}: too_short: ", r.stdout)

    def test_the_default_store_is_in_xdg_data_home(self):
        env = dict(os.environ, XDG_DATA_HOME=os.path.join(self.tmp, "data"))
        r = run("scan", "--quiet", self.lib, env=env)
        self.assertEqual(r.returncode, 1, r.stderr)
        default = os.path.join(self.tmp, "data", "trackprint", "library.db")
        self.assertEqual(len(fingerprints(default)), len(GOOD_TRACKS))
        self.assertIn("analysed: 6", run("status", env=env).stdout)


class Rescan(LibraryTest):
    def setUp(self):
        super().setUp()
        self.scan()

    def test_an_unchanged_library_analyses_nothing(self):
        before = rows(self.db)
        r, done = self.scan(expect=0)
        self.assertEqual((done["analysed"], done["failed"]), (0, 0))
        self.assertEqual(done["unchanged"], len(GOOD_TRACKS) + len(BAD_TRACKS))
        self.assertEqual(rows(self.db), before)

    def test_a_changed_file_is_analysed_again(self):
        target = self.path("tone.wav")
        st = os.stat(target)
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        _, done = self.scan(expect=0)
        self.assertEqual((done["analysed"], done["failed"]), (1, 0))
        self.assertEqual(rows(self.db)[target]["mtime_ns"], st.st_mtime_ns + 1_000_000_000)

    def test_failures_are_retried_only_when_changed_or_asked(self):
        _, done = self.scan()
        self.assertEqual(done["failed"], 0)
        _, done = self.scan("--retry-failed", expect=1)
        self.assertEqual((done["analysed"], done["failed"]), (0, len(BAD_TRACKS)))
        # A broken file repaired: changed, so analysed without being asked.
        shutil.copy(os.path.join(tracks.dir, "tone.flac"), self.path("truncated.flac"))
        _, done = self.scan(expect=0)
        self.assertEqual((done["analysed"], done["failed"]), (1, 0))
        self.assertEqual(rows(self.db)[self.path("truncated.flac")]["status"], "analysed")

    def test_removed_files_are_marked_missing_and_pruned_on_request(self):
        gone = self.path("chirp.ogg")
        kept_values = fingerprints(self.db)[gone]
        os.rename(gone, os.path.join(self.tmp, "aside.ogg"))
        _, done = self.scan(expect=0)
        self.assertEqual(done["missing"], 1)
        self.assertEqual(rows(self.db)[gone]["status"], "missing")
        self.assertIn("missing:  1\n", run("status", "--db", self.db).stdout)
        # Back unchanged: its fingerprint is still good, nothing to analyse.
        os.rename(os.path.join(self.tmp, "aside.ogg"), gone)
        _, done = self.scan(expect=0)
        self.assertEqual(done["analysed"], 0)
        self.assertEqual(fingerprints(self.db)[gone], kept_values)
        os.remove(gone)
        _, done = self.scan("--prune", expect=0)
        self.assertEqual(done["missing"], 1)
        self.assertNotIn(gone, rows(self.db))

    def test_a_scan_of_another_folder_leaves_these_rows_alone(self):
        other = os.path.join(self.tmp, "other")
        os.makedirs(other)
        shutil.copy(os.path.join(tracks.dir, "tone.wav"), os.path.join(other, "x.wav"))
        r = run("scan", "--db", self.db, "--prune", "--quiet", other)
        self.assertEqual(r.returncode, 0, r.stderr)
        stored = rows(self.db)
        self.assertEqual(len(stored), len(GOOD_TRACKS) + len(BAD_TRACKS) + 1)
        self.assertEqual(stored[self.path("tone.wav")]["status"], "analysed")

    def test_fingerprints_of_another_numbers_version_are_outdated_and_recomputed(self):
        target = self.path("noise.mp3")
        values = fingerprints(self.db)[target]
        con = sqlite3.connect(self.db)
        con.execute("UPDATE tracks SET numbers_version = 0, lufs = 0 WHERE path = ?", (target,))
        # Another release that computes the same numbers is current: nothing to redo.
        con.execute("UPDATE tracks SET engine_version = '0.0.1' WHERE path = ?",
                    (self.path("tone.wav"),))
        con.commit()
        con.close()
        self.assertIn("outdated: 1 ", run("status", "--db", self.db).stdout)
        _, done = self.scan(expect=0)
        self.assertEqual(done["analysed"], 1)
        self.assertEqual(fingerprints(self.db)[target], values)
        self.assertIn("outdated: 0 ", run("status", "--db", self.db).stdout)


class Output(LibraryTest):
    def setUp(self):
        super().setUp()
        self.scan()

    def test_export_csv_has_the_spec_names_and_the_analyze_numbers(self):
        r = run("export", "--db", self.db, "--format", "csv")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        header = lines[0].split(",")
        self.assertEqual(header[:2], ["id", "path"])
        self.assertEqual(header[2:27], SPEC_NAMES)
        self.assertEqual(len(lines), 1 + len(GOOD_TRACKS))
        # Byte for byte the text `analyze --csv` prints for the same file.
        target = self.path("tone.flac")
        analyzed = run("analyze", "--csv", target).stdout.splitlines()[1].split(",")
        exported = next(l for l in lines if f",{target}," in l).split(",")
        self.assertEqual(exported[2:27], analyzed[1:26])

    def test_export_jsonl_carries_every_fingerprint(self):
        r = run("export", "--db", self.db, "--format", "jsonl")
        self.assertEqual(r.returncode, 0, r.stderr)
        records = events(r.stdout)
        self.assertEqual(len(records), len(GOOD_TRACKS))
        stored = fingerprints(self.db)
        for rec in records:
            self.assertEqual(tuple(rec[n] for n in SPEC_NAMES), stored[rec["path"]])
            self.assertEqual(rec["status"], "analysed")

    def test_show_by_path_and_by_id(self):
        target = self.path("tone.wav")
        by_path = run("show", "--db", self.db, "--json", target)
        self.assertEqual(by_path.returncode, 0, by_path.stderr)
        record = json.loads(by_path.stdout)
        by_id = run("show", "--db", self.db, str(record["id"]))
        self.assertEqual(by_id.returncode, 0)
        self.assertIn(target, by_id.stdout)
        self.assertIn("status: analysed", by_id.stdout)
        self.assertIn("tempo_bpm", by_id.stdout)
        failed = json.loads(run("show", "--db", self.db, "--json",
                                self.path("empty.mp3")).stdout)
        self.assertEqual((failed["status"], failed["error_kind"]), ("failed", "not_audio"))
        r = run("show", "--db", self.db, self.path("nope.flac"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("nope.flac: not in the store", r.stderr)

    def test_any_number_of_workers_gives_the_same_fingerprints(self):
        other = os.path.join(self.tmp, "jobs2.db")
        r = run("scan", "--db", other, "--jobs", "2", "--quiet", self.lib)
        self.assertEqual(r.returncode, 1, r.stderr)
        one = run("export", "--db", self.db, "--format", "csv").stdout
        two = run("export", "--db", other, "--format", "csv").stdout

        def numbers(text):  # without id, analysed_at, size and mtime (the file's, not the audio's)
            return sorted(",".join(l.split(",")[1:32]) for l in text.splitlines()[1:])
        self.assertEqual(numbers(one), numbers(two))


class Json(LibraryTest):
    def setUp(self):
        super().setUp()
        self.scan()

    def test_status_json_carries_the_counts_and_the_failures(self):
        r = run("status", "--db", self.db, "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        (line,) = r.stdout.splitlines()
        st = json.loads(line)
        self.assertEqual(st["store"], self.db)
        self.assertEqual((st["tracks"], st["analysed"], st["failed"], st["pending"],
                          st["missing"], st["outdated"]),
                         (len(GOOD_TRACKS) + len(BAD_TRACKS), len(GOOD_TRACKS), len(BAD_TRACKS),
                          0, 0, 0))
        self.assertEqual(st["failed_by_kind"], {"decode": 1, "not_audio": 2, "too_short": 1})
        self.assertEqual({f["path"]: f["error_kind"] for f in st["failures"]},
                         {self.path(n): k for n, k in BAD_TRACKS.items()})
        self.assertTrue(all(f["reason"] and f["status"] == "failed" for f in st["failures"]))

    def test_names_that_are_not_utf8_are_valid_json_everywhere_and_recoverable(self):
        good = os.fsencode(self.lib) + b"/tone\xff.wav"
        bad = os.fsencode(self.lib) + b"/junk\xfe.mp3"
        shutil.copy(os.path.join(tracks.dir, "tone.wav"), good)
        with open(bad, "wb") as f:
            f.write(b"not music\n" * 10)
        raw = subprocess.run([BIN, "scan", "--db", self.db, "--sidecars", "--progress", "json",
                              self.lib], capture_output=True, timeout=600)
        self.assertEqual(raw.returncode, 1, raw.stderr)
        outputs = {
            "scan": raw.stdout,
            "export": subprocess.run([BIN, "export", "--db", self.db, "--format", "jsonl"],
                                     capture_output=True, timeout=60).stdout,
            "show": subprocess.run([BIN, "show", "--db", self.db, "--json", good, bad],
                                   capture_output=True, timeout=60).stdout,
            "status": subprocess.run([BIN, "status", "--db", self.db, "--json"],
                                     capture_output=True, timeout=60).stdout,
        }
        found = {}
        for name, out in outputs.items():
            objs = [json.loads(line) for line in out.decode("utf-8").splitlines()]  # strict
            objs += [f for o in objs for f in o.get("failures", [])]
            for o in objs:
                if "path_bytes" in o:
                    self.assertIn("\ufffd", o["path"])
                    found.setdefault(name, set()).add(bytes(o["path_bytes"]))
                elif "path" in o:
                    self.assertEqual(os.fsencode(o["path"]).decode("utf-8"), o["path"])
        self.assertEqual(found, {"scan": {bad}, "export": {good}, "show": {good, bad},
                                 "status": {bad}})
        with open(good + b".25d", "rb") as f:
            side = json.loads(f.read().decode("utf-8"))
        self.assertEqual(bytes(side["audio_file"]["path_bytes"]), b"tone\xff.wav")


class Tags(unittest.TestCase):
    """Each container keeps its tags its own way; the scan reads them all during its decode."""
    TAGS = {"title": "Song, \"One\"", "artist": "Ärtist", "album": "The Album",
            "album_artist": "Various", "genre": "Jazz", "track": "4/12", "date": "2001-02-03"}
    # What each format's muxer in ffmpeg writes (RIFF INFO has no album artist).
    FORMATS = {"t.flac": [], "t.ogg": [], "t.opus": [], "t.mp3": [], "t.m4a": ["-c:a", "aac"],
               "t.wav": []}

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="trackprint-tags-")
        cls.music = os.path.join(cls.tmp, "music")
        meta = [a for k, v in cls.TAGS.items() for a in ("-metadata", f"{k}={v}")]
        for name, codec in cls.FORMATS.items():
            make_track(os.path.join(cls.music, name),
                       ["-f", "lavfi", "-i", "sine=frequency=330:duration=1", *codec, *meta])
        make_track(os.path.join(cls.music, "mb.flac"),
                   ["-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-metadata",
                    "MUSICBRAINZ_TRACKID=8f3471b5-7e6a-48da-86a9-c1c07a0f47ae"])
        make_track(os.path.join(cls.music, "untagged.flac"),
                   ["-f", "lavfi", "-i", "sine=frequency=550:duration=1"])
        cls.db = os.path.join(cls.tmp, "store.db")
        r = run("scan", "--db", cls.db, "--quiet", cls.music)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def show(self, name):
        r = run("show", "--db", self.db, "--json", os.path.join(self.music, name))
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_every_container_gives_the_same_tags(self):
        for name in self.FORMATS:
            with self.subTest(name):
                t = self.show(name)
                self.assertEqual(t["title"], self.TAGS["title"])
                self.assertEqual(t["artist"], self.TAGS["artist"])
                self.assertEqual(t["album"], self.TAGS["album"])
                self.assertEqual(t["genre"], self.TAGS["genre"])
                self.assertEqual(t["track_number"], 4)
                self.assertTrue(t["date"].startswith("2001"), t["date"])
                self.assertEqual(t["album_artist"], None if name == "t.wav" else "Various")
                self.assertIsNone(t["musicbrainz_recording_id"])

    def test_the_musicbrainz_recording_id_and_an_untagged_file(self):
        self.assertEqual(self.show("mb.flac")["musicbrainz_recording_id"],
                         "8f3471b5-7e6a-48da-86a9-c1c07a0f47ae")
        self.assertEqual([self.show("untagged.flac")[k] for k in TAG_NAMES], [None] * 8)

    def test_show_and_export_carry_them(self):
        r = run("show", "--db", self.db, os.path.join(self.music, "t.flac"))
        self.assertIn("  title: Song, \"One\"\n", r.stdout)
        self.assertIn("  track_number: 4\n", r.stdout)
        self.assertNotIn("musicbrainz_recording_id", r.stdout, "absent tags are not listed")
        lines = run("export", "--db", self.db, "--format", "csv").stdout.splitlines()
        self.assertEqual(lines[0].split(",")[-8:], TAG_NAMES)
        row = next(l for l in lines if "/t.flac," in l)
        self.assertTrue(row.endswith(',"Song, ""One""",Ärtist,The Album,Various,Jazz,4,2001-02-03,'),
                        row)
        records = [json.loads(l) for l in
                   run("export", "--db", self.db, "--format", "jsonl").stdout.splitlines()]
        self.assertEqual({r["title"] for r in records}, {self.TAGS["title"], None})


class Sidecars(LibraryTest):
    def test_sidecars_are_written_and_trusted_only_when_they_match(self):
        _, done = self.scan("--sidecars")
        self.assertEqual(done["from_sidecars"], 0)
        for name in GOOD_TRACKS:
            with open(self.path(name) + ".25d") as f:
                side = json.load(f)
            self.assertEqual(list(side["fingerprint"]), SPEC_NAMES)
            self.assertEqual(side["audio_file"]["size_bytes"], os.stat(self.path(name)).st_size)
        for name in BAD_TRACKS:
            self.assertFalse(os.path.exists(self.path(name) + ".25d"), name)

        # A fresh store over the same files: every fingerprint comes from its sidecar.
        fresh = os.path.join(self.tmp, "fresh.db")
        r = run("scan", "--db", fresh, "--sidecars", "--progress", "json", self.lib)
        done = events(r.stdout)[-1]
        self.assertEqual((done["analysed"], done["from_sidecars"]), (len(GOOD_TRACKS),) * 2)
        self.assertEqual(fingerprints(fresh), fingerprints(self.db))

        # A stale sidecar (the audio changed) or one of other numbers is not trusted.
        st = os.stat(self.path("tone.wav"))
        os.utime(self.path("tone.wav"), ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
        with open(self.path("tone.flac.25d")) as f:
            side = json.load(f)
        side["trackprint"]["numbers_version"] = 0
        side["fingerprint"]["lufs"] = 0.0
        with open(self.path("tone.flac.25d"), "w") as f:
            json.dump(side, f)
        again = os.path.join(self.tmp, "again.db")
        r = run("scan", "--db", again, "--sidecars", "--progress", "json", self.lib)
        done = events(r.stdout)[-1]
        self.assertEqual(done["from_sidecars"], len(GOOD_TRACKS) - 2)
        self.assertEqual(fingerprints(again), fingerprints(self.db))
        # Both were analysed again, and their sidecars rewritten.
        with open(self.path("tone.flac.25d")) as f:
            self.assertNotEqual(json.load(f)["fingerprint"]["lufs"], 0.0)


class Stores(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="trackprint-scan-test-")
        self.lib = tracks.library(os.path.join(self.tmp, "music"), bad=False)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_a_file_that_is_not_a_store_is_named_and_left_untouched(self):
        notes = os.path.join(self.tmp, "notes.db")
        with open(notes, "w") as f:
            f.write("shopping list\n" * 100)
        foreign = os.path.join(self.tmp, "other-program.db")
        con = sqlite3.connect(foreign)
        con.execute("CREATE TABLE songs (title TEXT)")
        con.commit()
        con.close()
        for db in (notes, foreign):
            before = sha(db)
            for args in (["scan", self.lib], ["status"], ["export", "--format", "csv"],
                         ["show", "1"]):
                r = run(args[0], "--db", db, *args[1:])
                self.assertEqual(r.returncode, 1, (db, args))
                self.assertIn(db, r.stderr)
                self.assertIn("not a", r.stderr)
                self.assertEqual(r.stdout, "")
            self.assertEqual(sha(db), before)

    def test_a_damaged_store_is_an_error_never_a_crash(self):
        good = os.path.join(self.tmp, "good.db")
        run("scan", "--db", good, "--quiet", self.lib)
        with open(good, "rb") as f:
            data = f.read()
        rng = random.Random(4)
        for i in range(6 if SLOW_BUILD else 20):
            damaged = bytearray(data)
            # Pages past the header: the file still opens as SQLite, its b-trees do not add up.
            for _ in range(rng.choice([1, 8, 64])):
                damaged[rng.randrange(100, len(damaged))] = rng.randrange(256)
            db = os.path.join(self.tmp, f"damaged{i}.db")
            with open(db, "wb") as f:
                f.write(damaged)
            for args in (["status"], ["export", "--format", "jsonl"], ["show", "1"],
                         ["scan", "--quiet", self.lib]):
                r = run(args[0], "--db", db, *args[1:])
                self.assertIn(r.returncode, (0, 1), (i, args, r.stderr[-500:]))
                if r.returncode == 1 and args[0] != "scan":
                    self.assertIn(db, r.stderr)

    def test_a_newer_schema_is_refused(self):
        db = os.path.join(self.tmp, "s.db")
        run("scan", "--db", db, "--quiet", self.lib)
        con = sqlite3.connect(db)
        con.execute("PRAGMA user_version = 99")
        con.close()
        r = run("status", "--db", db)
        self.assertEqual(r.returncode, 1)
        self.assertIn("newer", r.stderr)

    def test_status_without_a_store_says_so(self):
        r = run("status", "--db", os.path.join(self.tmp, "none.db"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("none.db", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "none.db")))

    def test_bad_usage_exits_two(self):
        for args in (["scan"], ["scan", "--jobs", "0", self.lib], ["scan", "--frob", self.lib],
                     ["export"], ["export", "--format", "xml"], ["show"],
                     ["scan", "--progress", "loud", self.lib]):
            r = run(*args, "--db", os.path.join(self.tmp, "s.db"))
            self.assertEqual(r.returncode, 2, args)
            self.assertTrue(r.stderr)


class Walking(LibraryTest):
    def test_a_symlink_loop_is_reported_and_not_followed(self):
        os.symlink(self.lib, os.path.join(self.lib, "sub", "loop"))
        r, done = self.scan(expect=1)
        self.assertIn("symlink loop", r.stderr)
        self.assertEqual(done["found"], len(GOOD_TRACKS) + len(BAD_TRACKS))

    @unittest.skipIf(os.geteuid() == 0, "root reads every folder")
    def test_an_unreadable_folder_is_reported_and_its_tracks_not_called_missing(self):
        self.scan()
        locked = os.path.join(self.lib, "sub")
        os.chmod(locked, 0)
        try:
            r, done = self.scan()
        finally:
            os.chmod(locked, 0o755)
        self.assertIn("cannot read folder", r.stderr)
        self.assertEqual(done["missing"], 0)

    def test_audio_is_picked_by_extension_then_confirmed_by_opening(self):
        self.scan()
        stored = rows(self.db)
        self.assertFalse(any(p.endswith((".jpg", ".txt")) for p in stored))
        # An audio extension on something else: opened, refused, recorded.
        self.assertEqual(stored[self.path("not_audio.mp3")]["error_kind"], "not_audio")


class Progress(LibraryTest):
    def test_quiet_prints_nothing_but_failures(self):
        r = run("scan", "--db", self.db, "--quiet", self.lib)
        self.assertEqual(r.stdout, "")
        self.assertEqual(len(r.stderr.splitlines()), len(BAD_TRACKS))

    def test_off_a_terminal_progress_is_plain_lines(self):
        r = run("scan", "--db", self.db, self.lib)
        self.assertRegex(r.stderr, r"(?m)^scan: \d+/10 ")
        self.assertNotIn("\r", r.stderr)
        self.assertRegex(r.stdout, r"scanned 10 audio files in [\d.]+ s: 6 analysed, 4 failed")

    def test_json_events(self):
        r, done = self.scan()
        evs = events(r.stdout)
        self.assertTrue(all(e["event"] in ("progress", "failed", "done") for e in evs))
        self.assertEqual(sorted(e["kind"] for e in evs if e["event"] == "failed"),
                         sorted(BAD_TRACKS.values()))
        self.assertEqual(r.stderr, "")

    def test_on_a_terminal_a_bar_is_drawn_and_cleared(self):
        # Long enough for the bar to be drawn a few times: real music, 3 tracks on 1 worker.
        slow = os.path.join(self.tmp, "slow")
        os.makedirs(slow)
        for i in range(3):
            os.link(os.path.join(CORPUS, "flac", "push_greek.flac"),
                    os.path.join(slow, f"{i}.flac"))
        master, slave = pty.openpty()
        p = subprocess.Popen([BIN, "scan", "--db", self.db, "--jobs", "1", slow],
                             stdout=subprocess.PIPE, stderr=slave, text=True)
        os.close(slave)
        out = b""
        while True:
            ready, _, _ = select.select([master], [], [], 600)
            if not ready:
                break
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        stdout, _ = p.communicate(timeout=600)
        os.close(master)
        self.assertEqual(p.returncode, 0)
        text = out.decode()
        self.assertRegex(text, r"\[[#.]+\] \d/3  [\d.]+ tracks/s  ETA ")
        self.assertTrue(text.endswith("\r\x1b[K"), repr(text[-40:]))  # cleared at the end
        self.assertIn("scanned 3 audio files", stdout)


class Interrupt(LibraryTest):
    def test_ctrl_c_commits_finished_tracks_and_the_next_scan_continues(self):
        slow = os.path.join(self.tmp, "slow")
        os.makedirs(slow)
        n = 8  # at 0.3-0.5 s each, JSON's once-a-second event comes with most still to do
        for i in range(n):
            os.link(os.path.join(CORPUS, "flac", "push_greek.flac"),
                    os.path.join(slow, f"{i}.flac"))
        p = subprocess.Popen([BIN, "scan", "--db", self.db, "--jobs", "1", "--progress", "json",
                              slow], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for line in p.stdout:
            e = json.loads(line)
            if e["event"] == "progress" and e["done"] >= 1:
                p.send_signal(signal.SIGINT)
                break
        out, err = p.communicate(timeout=600)
        self.assertEqual(p.returncode, 130, err)
        self.assertEqual(integrity(self.db), [("ok",)])
        done = events(out)[-1]
        self.assertTrue(done["cancelled"])
        stored = rows(self.db)
        analysed = [r for r in stored.values() if r["status"] == "analysed"]
        self.assertEqual(len(analysed), done["analysed"])
        self.assertGreaterEqual(len(analysed), 1)
        self.assertLess(len(analysed), n)
        self.assertEqual(len(stored), n)
        r = run("scan", "--db", self.db, "--progress", "json", slow)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(events(r.stdout)[-1]["analysed"], n - len(analysed))
        self.assertEqual(len(fingerprints(self.db)), n)


class ThousandFiles(unittest.TestCase):
    """The issue's measurement: an unchanged library of 1,000 files (links to a few short
    tracks) is rescanned without a single analysis. The time is printed, not asserted."""

    def test_rescan_of_an_unchanged_thousand_files(self):
        count = 200 if SLOW_BUILD else 1000
        tmp = tempfile.mkdtemp(prefix="trackprint-scan-1000-")
        try:
            lib = os.path.join(tmp, "music")
            os.makedirs(lib)
            sources = [os.path.join(tracks.dir, n) for n in ("tone.wav", "noise.mp3", "chirp.ogg")]
            for i in range(count):
                src = sources[i % len(sources)]
                os.link(src, os.path.join(lib, f"{i:04d}-{os.path.basename(src)}"))
            db = os.path.join(tmp, "s.db")
            first = run("scan", "--db", db, "--progress", "json", lib)
            self.assertEqual(first.returncode, 0, first.stderr)
            self.assertEqual(events(first.stdout)[-1]["analysed"], count)
            start = time.monotonic()
            again = run("scan", "--db", db, "--progress", "json", lib)
            wall = time.monotonic() - start
            self.assertEqual(again.returncode, 0, again.stderr)
            done = events(again.stdout)[-1]
            self.assertEqual((done["analysed"], done["failed"], done["unchanged"]), (0, 0, count))
            print(f"\nrescan of {count} unchanged files: 0 analyses, {wall:.3f} s wall "
                  f"(scan itself {done['seconds']:.3f} s)", file=sys.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
