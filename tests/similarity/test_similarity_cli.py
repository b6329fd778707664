"""`trackprint similar`, `playlist` and `duplicates` as users and programs meet them.

A small library is generated with ffmpeg (tones, noises, chirps and beats of a few seconds,
tagged with artists and albums, and one track copied in another encoding); the store is read
back with Python's sqlite3. Standard library only. Run by ctest with TRACKPRINT_BIN.
"""
import base64
import json
import math
import os
import shutil
import sqlite3
import struct
import subprocess
import tempfile
import unittest

BIN = os.environ.get("TRACKPRINT_BIN", "build/release/src/trackprint")
CORPUS = os.environ.get("TRACKPRINT_CORPUS", os.path.expanduser("~/.cache/trackprint-corpus"))
TAGS = ["title", "artist", "album", "album_artist", "genre", "track_number", "date",
        "musicbrainz_recording_id"]

# name -> (lavfi source, artist, album); the copy of tone440.flac is made from its file.
TRACKS = {
    "a/tone220.flac": ("sine=frequency=220:duration=3", "Low", "Tones"),
    "a/tone440.flac": ("sine=frequency=440:duration=3", "Low", "Tones"),
    # Quieter and higher: two pure tones 220 Hz apart are within a codec's reach of each other
    # in every dimension, and would be one recording.
    "a/tone660.flac": ("aevalsrc=0.25*sin(2*PI*660*t):d=3", "High", "Tones"),
    "a/tone1320.flac": ("aevalsrc=0.5*sin(2*PI*1320*t):d=3", "High", "Tones"),
    "b/pink.flac": ("anoisesrc=d=3:c=pink:seed=1", "Noise", "Colours"),
    "b/brown.flac": ("anoisesrc=d=3:c=brown:seed=2", "Noise", "Colours"),
    "b/white.flac": ("anoisesrc=d=3:c=white:seed=3", "Noise", "Colours"),
    "b/blue.flac": ("anoisesrc=d=3:c=blue:seed=4", "Noise", "Colours"),
    "c/chirp.flac": ("aevalsrc=sin(2*PI*(200+300*t)*t):d=3", "Sweep", "Moves"),
    "c/beat.flac": ("aevalsrc=sin(2*PI*60*t)*lt(mod(t\\,0.5)\\,0.1):d=3", "Sweep", "Moves"),
    "c/pulse.flac": ("aevalsrc=sin(2*PI*300*t)*lt(mod(t\\,0.25)\\,0.05):d=3", "Sweep", "Moves"),
}
COPY = "copies/tone440.mp3"


def run(*args, env_extra=None):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=600, env=env)


def lines(stdout):
    return [json.loads(l) for l in stdout.splitlines()]


class Library(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="trackprint-similarity-")
        cls.music = os.path.join(cls.tmp, "music")
        for name, (source, artist, album) in TRACKS.items():
            path = os.path.join(cls.music, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", source,
                            "-metadata", f"title={os.path.basename(name)[:-5]}",
                            "-metadata", f"artist={artist}", "-metadata", f"album={album}",
                            path], check=True)
        os.makedirs(os.path.join(cls.music, "copies"))
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", cls.path("a/tone440.flac"),
                        "-b:a", "192k", cls.path(COPY)], check=True)
        with open(cls.path("broken.mp3"), "w") as f:
            f.write("not audio\n")
        cls.db = os.path.join(cls.tmp, "store.db")
        r = run("scan", "--db", cls.db, "--quiet", cls.music)
        assert r.returncode == 1, r.stderr  # broken.mp3 fails
        cls.ids = {os.path.relpath(p, cls.music): i for i, p in
                   sqlite3.connect(cls.db).execute("SELECT id, path FROM tracks")}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def path(cls, name):
        return os.path.join(cls.music, name)

    def similar(self, *args):
        r = run("similar", "--db", self.db, *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r


class Similar(Library):
    def test_json_lines_one_object_per_seed_nearest_first_never_the_seed(self):
        r = self.similar("--json", "-n", "4", self.path("a/tone440.flac"),
                         str(self.ids["b/pink.flac"]))
        objects = lines(r.stdout)
        self.assertEqual(len(objects), 2)
        for o, seed in zip(objects, ["a/tone440.flac", "b/pink.flac"]):
            self.assertEqual(set(o), {"seed", "similar"})
            self.assertEqual(o["seed"]["path"], self.path(seed))
            self.assertEqual(o["seed"]["id"], self.ids[seed])
            self.assertEqual(list(o["seed"]), ["id", "path", *TAGS])
            self.assertEqual(len(o["similar"]), 4)
            for s in o["similar"]:
                self.assertEqual(list(s), ["id", "path", "distance", *TAGS])
                self.assertNotEqual(s["id"], o["seed"]["id"])
            d = [s["distance"] for s in o["similar"]]
            self.assertEqual(d, sorted(d))
        # Its mp3 copy is the tone's nearest track.
        self.assertEqual(objects[0]["similar"][0]["path"], self.path(COPY))
        self.assertEqual(objects[0]["seed"]["artist"], "Low")

    def test_explain_gives_shares_of_each_distance_that_sum_to_one(self):
        r = self.similar("--json", "--explain", "-n", "2", self.path("c/chirp.flac"))
        for s in lines(r.stdout)[0]["similar"]:
            self.assertEqual(len(s["explain"]), 25)
            self.assertAlmostEqual(sum(s["explain"].values()), 1.0, places=12)
        text = self.similar("--explain", "-n", "1", self.path("c/chirp.flac")).stdout
        self.assertRegex(text, r"\n {7}(  [a-z_]+ \d+%)+\n")

    def test_all_is_the_knn_graph_of_every_analysed_track(self):
        graph = lines(self.similar("--all", "--json", "-n", "3").stdout)
        self.assertEqual(len(graph), len(TRACKS) + 1)  # the copy too, not broken.mp3
        for o in graph:
            self.assertEqual(len(o["similar"]), 3)
            self.assertNotIn(o["seed"]["id"], [s["id"] for s in o["similar"]])
        # Each seed's list is what `similar` gives for it alone.
        one = lines(self.similar("--json", "-n", "3", str(graph[5]["seed"]["id"])).stdout)[0]
        self.assertEqual(one, graph[5])

    def test_an_unknown_or_unanalysed_seed_is_a_clear_error_and_exit_1(self):
        r = run("similar", "--db", self.db, self.path("nope.flac"), self.path("a/tone220.flac"))
        self.assertEqual(r.returncode, 1)
        self.assertIn(self.path("nope.flac") + ": not in the store", r.stderr)
        self.assertIn(self.path("a/tone220.flac"), r.stdout, "the good seed is still answered")
        r = run("similar", "--db", self.db, self.path("broken.mp3"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("broken.mp3: has no fingerprint (failed: not an audio file", r.stderr)
        r = run("similar", "--db", os.path.join(self.tmp, "none.db"), "1")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no store here yet", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "none.db")))

    def test_bad_usage_exits_two(self):
        for args in (["similar"], ["similar", "--all", "1"], ["similar", "-n", "0", "1"],
                     ["similar", "-n", "x", "1"], ["similar", "--frob", "1"],
                     ["playlist"], ["playlist", "--min-distance", "-1", "1"],
                     ["duplicates", "extra"], ["similar", "--metric", "cosine", "1"],
                     ["playlist", "--json", "-o", "x.m3u8", "1"],
                     ["playlist", "--max-per-album", "0", "1"]):
            r = run(*args, "--db", self.db)
            self.assertEqual(r.returncode, 2, args)
            self.assertEqual(r.stdout, "", args)
            # As every command's usage errors: the command, the reason, where to read more.
            command = f"trackprint {args[0]}"
            self.assertRegex(r.stderr, rf"^{command}: .+\n\(see '{command} --help'\)\n$", args)
        r = run("similar", "--db", self.db, "--metric", "cosine", "1")
        self.assertIn("cosine", r.stderr)
        self.assertIn("equal-zscore", r.stderr, "the metrics there are, named")
        r = run("similar", "--db", self.db, "--frob", "1")
        self.assertIn("--frob", r.stderr)

    def test_the_metric_is_fitted_once_and_kept_with_an_id(self):
        db = os.path.join(self.tmp, "metric.db")
        shutil.copy(self.db, db)
        first = run("similar", "--db", db, "-n", "1", "1")
        self.assertIn("metric auralis fitted on 12 tracks (saved as metric ", first.stderr)
        second = run("similar", "--db", db, "-n", "1", "1")
        self.assertEqual(second.stderr, "")
        self.assertEqual(first.stdout, second.stdout)
        rows = sqlite3.connect(db).execute("SELECT name, tracks FROM metrics").fetchall()
        self.assertEqual(rows, [("auralis", 12)])
        third = run("similar", "--db", db, "--metric", "equal-zscore", "-n", "1", "1")
        self.assertIn("metric equal-zscore fitted", third.stderr)


def page_data(path):
    """The JSON a page written by `trackprint report` or `map` embeds for its script."""
    with open(path, encoding="utf-8") as f:
        html = f.read()
    start = html.index('<script id="trackprint-data" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start:html.index("</script>", start)])


class Pages(Library):
    """The report's and the map's neighbours are the ones `similar` names, by the same metric."""

    def test_a_track_page_lists_what_similar_lists(self):
        for metric in ("auralis", "equal-zscore"):
            page = os.path.join(self.tmp, f"chirp-{metric}.html")
            r = run("report", "--db", self.db, "--metric", metric, "-o", page,
                    self.path("c/chirp.flac"))
            self.assertEqual(r.returncode, 0, r.stderr)
            shown = page_data(page)["library"]["neighbours"]
            found = lines(self.similar("--json", "--metric", metric, "-n", "5",
                                       self.path("c/chirp.flac")).stdout)[0]["similar"]
            self.assertEqual([n["path"] for n in shown], [s["path"] for s in found], metric)
            for n, s in zip(shown, found):
                self.assertAlmostEqual(n["distance"], s["distance"], places=12)
            # Labels come from the tags.
            self.assertEqual(shown[0]["title"], found[0]["title"])
            self.assertEqual(shown[0]["artist"], found[0]["artist"])

    def test_the_map_names_its_metric_and_its_neighbours_are_the_knn_graph(self):
        page = os.path.join(self.tmp, "map.html")
        r = run("map", "--db", self.db, "--metric", "equal", "-o", page)
        self.assertEqual(r.returncode, 0, r.stderr)
        data = page_data(page)
        self.assertEqual(data["metric"], "metric equal, robust min-max")
        k = data["neighbours"]["k"]
        index = struct.unpack(f"<{k * data['count']}I",
                              base64.b64decode(data["neighbours"]["index"]))
        graph = {o["seed"]["path"]: [s["path"] for s in o["similar"]]
                 for o in lines(self.similar("--json", "--all", "--metric", "equal",
                                             "-n", str(k)).stdout)}
        for i, path in enumerate(data["paths"]):
            self.assertEqual([data["paths"][j] for j in index[i * k:(i + 1) * k]], graph[path])
        self.assertEqual(data["titles"][data["paths"].index(self.path("b/pink.flac"))], "pink")

    def test_the_map_colours_by_the_albums_tagged(self):
        page = os.path.join(self.tmp, "map-album.html")
        r = run("map", "--db", self.db, "--color", "album", "-o", page)
        self.assertEqual(r.returncode, 0, r.stderr)
        colour = page_data(page)["colour"]
        # 12 tracks in three albums (the mp3 copy keeps its FLAC's tags), the largest first.
        self.assertEqual(list(zip(colour["categories"], colour["counts"])),
                         [("Tones", 5), ("Colours", 4), ("Moves", 3)])


class Playlist(Library):
    def test_an_m3u8_beside_the_music_has_relative_paths_and_starts_with_the_seed(self):
        out = os.path.join(self.music, "mix.m3u8")
        r = run("playlist", "--db", self.db, "-n", "5", "-o", out, self.path("a/tone220.flac"))
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out) as f:
            text = f.read().splitlines()
        self.assertEqual(text[0], "#EXTM3U")
        self.assertEqual(text[1], "#EXTINF:3,Low - tone220")
        self.assertEqual(text[2], "a/tone220.flac")
        entries = text[2::2]
        self.assertEqual(len(entries), 5)
        for e in entries:
            self.assertFalse(os.path.isabs(e), e)
            self.assertTrue(os.path.exists(os.path.join(self.music, e)), e)
        # Above the playlist's folder, paths stay absolute.
        elsewhere = os.path.join(self.music, "a", "mix.m3u8")
        run("playlist", "--db", self.db, "-n", "5", "-o", elsewhere, self.path("b/pink.flac"))
        with open(elsewhere) as f:
            paths = f.read().splitlines()[2::2]
        self.assertEqual(paths[0], self.path("b/pink.flac"))

    def test_a_sonic_path_ends_at_its_target_and_the_seed_never_repeats(self):
        r = run("playlist", "--db", self.db, "--json", "-n", "6", "--to",
                self.path("b/white.flac"), self.path("a/tone220.flac"))
        self.assertEqual(r.returncode, 0, r.stderr)
        entries = lines(r.stdout)
        self.assertEqual(len(entries), 6)
        self.assertEqual(entries[0]["path"], self.path("a/tone220.flac"))
        self.assertEqual(entries[-1]["path"], self.path("b/white.flac"))
        self.assertEqual(entries[0]["step"], 0)
        self.assertEqual(len({e["id"] for e in entries}), 6)
        self.assertEqual(list(entries[0]), ["id", "path", "step", "duration_s", *TAGS])
        # Waypoints in order.
        r = run("playlist", "--db", self.db, "--json", "-n", "7", "--to", self.path("c/beat.flac"),
                "--to", self.path("b/white.flac"), self.path("a/tone220.flac"))
        paths = [e["path"] for e in lines(r.stdout)]
        self.assertEqual(paths[0], self.path("a/tone220.flac"))
        self.assertEqual(paths[-1], self.path("b/white.flac"))
        self.assertIn(self.path("c/beat.flac"), paths[1:-1])

    def test_caps_minimum_distance_and_duplicates_are_honoured(self):
        seed = self.path("a/tone440.flac")
        r = run("playlist", "--db", self.db, "--json", "-n", "8", "--max-per-artist", "1", seed)
        entries = lines(r.stdout)
        artists = [e["artist"] for e in entries]
        self.assertEqual(len(artists), len(set(artists)), artists)
        self.assertEqual(len(entries), 4, "four artists in all; the rest would break the cap")
        r = run("playlist", "--db", self.db, "--json", "-n", "12", "--max-per-album", "2", seed)
        albums = [e["album"] for e in lines(r.stdout)]
        for a in set(albums):
            self.assertLessEqual(albums.count(a), 2)
        everything = lines(run("playlist", "--db", self.db, "--json", "-n", "12", seed).stdout)
        paths = [e["path"] for e in everything]
        self.assertNotIn(self.path(COPY), paths, "the seed's other encoding is a duplicate")
        self.assertEqual(len(paths), 11, "12 analysed tracks, one of them a copy of the seed")
        steps = lines(run("similar", "--db", self.db, "--json", "-n", "11", seed).stdout)[0]
        gaps = sorted(s["distance"] for s in steps["similar"])
        d = (gaps[3] + gaps[4]) / 2  # more than the 4th nearest distance from the seed
        spaced = lines(run("playlist", "--db", self.db, "--json", "-n", "12", "--min-distance",
                           repr(d), seed).stdout)
        self.assertLess(len(spaced), 11)
        self.assertEqual(spaced[0]["path"], seed)

    def test_without_a_file_the_m3u8_goes_to_stdout_with_absolute_paths(self):
        r = run("playlist", "--db", self.db, "-n", "3", self.path("c/beat.flac"))
        self.assertEqual(r.returncode, 0, r.stderr)
        text = r.stdout.splitlines()
        self.assertEqual(text[0], "#EXTM3U")
        self.assertEqual(text[2], self.path("c/beat.flac"))
        self.assertTrue(all(os.path.isabs(p) for p in text[2::2]))

    def test_errors(self):
        r = run("playlist", "--db", self.db, "-n", "1", "--to", "2", "1")
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot hold its 2 seeds and targets", r.stderr)
        r = run("playlist", "--db", self.db, "--to", "1", "1")
        self.assertEqual(r.returncode, 1)
        self.assertIn("track 1 would follow itself on the path", r.stderr)
        r = run("playlist", "--db", self.db, "--to", self.path("nope.flac"), "1")
        self.assertEqual(r.returncode, 1)
        self.assertIn("nope.flac: not in the store", r.stderr)

    def test_an_option_where_a_track_or_store_should_be_is_a_usage_error(self):
        # `--to --db X` once read "--db" as the target and the default store: no store is
        # opened, none is written (a metric would be fitted and saved in it).
        unused = os.path.join(self.tmp, "no-default-store")
        for args in (["--to", "--db", self.db, "1"], ["--db", "--json", "1"],
                     ["--db", self.db, "-o", "--json", "1"]):
            r = run("playlist", *args, env_extra={"XDG_DATA_HOME": unused})
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertIn("is an option, not a value", r.stderr)
        self.assertFalse(os.path.exists(unused))

    def test_one_word_per_to_then_the_seed(self):
        r = run("playlist", "--db", self.db, "--json", "--to", "2", "1", "-n", "3")
        self.assertEqual(r.returncode, 0, r.stderr)
        entries = lines(r.stdout)
        self.assertEqual(entries[0]["id"], 1)
        self.assertEqual(entries[-1]["id"], 2)


class Duplicates(Library):
    def test_the_copy_and_its_original_are_one_group_and_nothing_else_is(self):
        r = run("duplicates", "--db", self.db, "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        groups = lines(r.stdout)
        self.assertEqual(len(groups), 1, groups)
        self.assertEqual(set(groups[0]), {"files", "distance"})
        self.assertEqual([f["path"] for f in groups[0]["files"]],
                         [self.path("a/tone440.flac"), self.path(COPY)])
        self.assertEqual(list(groups[0]["files"][0]), ["id", "path", *TAGS])
        self.assertTrue(0 <= groups[0]["distance"] <= 1)
        text = run("duplicates", "--db", self.db).stdout
        self.assertTrue(text.startswith("1 groups of files that are the same recording\ngroup 1: 2 files"),
                        text)


class CorpusDuplicates(unittest.TestCase):
    """The corpus's formats/ folder is one track in nine encodings; odd/ holds one other track
    remixed to mono and 5.1, resampled, cut and silenced: variants, not copies."""

    def test_formats_is_one_group_and_the_odd_files_are_none(self):
        folders = [os.path.join(CORPUS, f) for f in ("formats", "odd")]
        if not all(os.path.isdir(f) for f in folders):
            if os.environ.get("CI") == "true":
                self.fail(f"the corpus is missing at {CORPUS}")
            self.skipTest(f"no corpus at {CORPUS}")
        tmp = tempfile.mkdtemp(prefix="trackprint-corpus-duplicates-")
        try:
            db = os.path.join(tmp, "store.db")
            run("scan", "--db", db, "--quiet", *folders)  # odd/ has failures: exit 1
            r = run("duplicates", "--db", db, "--json")
            self.assertEqual(r.returncode, 0, r.stderr)
            groups = lines(r.stdout)
            self.assertEqual(len(groups), 1, [[f["path"] for f in g["files"]] for g in groups])
            self.assertEqual(sorted(f["path"] for f in groups[0]["files"]),
                             sorted(os.path.join(folders[0], n)
                                    for n in os.listdir(folders[0])))
            self.assertLess(groups[0]["distance"], 0.5)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
