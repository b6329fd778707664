"""The pages trackprint writes, opened in headless Chromium as a person would: they draw every
picture, log no error, ask for nothing over the network, and print.

Needs TRACKPRINT_BIN (ctest sets it); TRACKPRINT_CORPUS for the 5-minute page's size (required
when CI=true)."""

import json
import math
import os
import pathlib
import random
import struct
import subprocess
import tempfile
import unittest
import wave

from browser import CANVAS_INK, Browser, pixel_stats
from synthetic_store import make_store

BIN = os.environ.get("TRACKPRINT_BIN", "trackprint")
CORPUS = os.environ.get("TRACKPRINT_CORPUS")
IN_CI = os.environ.get("CI") == "true"


def write_test_track(path, seconds=10.0, rate=44100):
    """Clicks at 120 BPM on the left, a tone gliding from 220 Hz to 440 Hz and some noise on the right
    (phase 2 pi (220 t + 5.5 t^2): its frequency at t is 220 + 22 t Hz)."""
    rng = random.Random(5)
    frames = bytearray()
    n = int(seconds * rate)
    beat = rate // 2
    for i in range(n):
        t = i / rate
        k = i % beat
        click = rng.uniform(-0.8, 0.8) * math.exp(-k / (0.004 * rate)) if k < 0.03 * rate else 0.0
        tone = 0.3 * math.sin(2 * math.pi * (220.0 * t + 110.0 / seconds * t * t))
        left = 0.6 * click + 0.5 * tone
        right = 0.4 * tone + rng.uniform(-0.05, 0.05)
        frames += struct.pack("<hh", int(left * 32767), int(right * 32767))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=600)


class PageCase(unittest.TestCase):
    """A page made in a temporary folder (make_page), opened once for all the class's tests."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory(prefix="trackprint-browser-test-")
        cls.page = cls.make_page(pathlib.Path(cls.dir.name))
        cls.browser = Browser().__enter__()
        cls.visit = cls.browser.open(cls.page)

    @classmethod
    def tearDownClass(cls):
        cls.browser.__exit__(None, None, None)
        cls.dir.cleanup()


class TrackReport(PageCase):
    @classmethod
    def make_page(cls, work):
        cls.track = work / "clicks and glide.wav"
        write_test_track(cls.track)
        page = work / "page.html"
        r = run("report", "-o", str(page), str(cls.track))
        if r.returncode != 0:
            raise AssertionError(f"trackprint report failed: {r.stderr}")
        return page

    def test_draws_every_picture(self):
        png = self.visit.page.screenshot(full_page=True)
        stats = pixel_stats(png)
        self.assertGreater(stats["inked"], 0.15, stats)
        self.assertGreater(stats["stddev"], 30, stats)
        self.assertGreater(stats["colours"], 500, stats)
        ink = dict(self.visit.page.evaluate(CANVAS_INK))
        self.assertEqual(sorted(ink), sorted(["plot-wave", "plot-spec", "plot-onset", "plot-chroma",
                                              "plot-pitch", "plot-blocks"]))
        for plot, share in ink.items():
            self.assertGreater(share, 0.02, f"{plot} is nearly empty: {share:.3f} inked")
        # Images fill their frame, about three quarters of the canvas (the rest is axes).
        self.assertGreater(ink["plot-spec"], 0.7)
        self.assertGreater(ink["plot-chroma"], 0.7)

    def test_logs_no_error_and_asks_for_nothing_but_itself(self):
        self.assertEqual(self.visit.console_errors, [])
        self.assertEqual(self.visit.requests, [self.visit.url])

    def test_lists_the_25_values_with_their_units(self):
        dims = json.loads(run("dimensions", "--json").stdout)
        rows = self.visit.page.eval_on_selector_all(
            "#values tr", "rows => rows.slice(0).map(r => Array.from(r.cells).map(c => c.textContent))")
        cells = [r for r in rows if r and r[0] != "dimension"]
        self.assertEqual([r[0] for r in cells], [d["name"] for d in dims])
        self.assertEqual([r[2] for r in cells], [d["unit"] for d in dims])
        families = self.visit.page.eval_on_selector_all("#values h3", "hs => hs.map(h => h.textContent)")
        self.assertEqual(families, ["frequency", "dynamics", "temporal", "spectral", "harmonic",
                                    "variation", "stereo"])
        shown = {r[0]: float(r[1]) for r in cells}
        analysed = json.loads(run("analyze", "--json", str(self.track)).stdout)
        for name, value in shown.items():
            self.assertAlmostEqual(value, analysed[name], delta=0.0051 * max(1, abs(analysed[name])),
                                   msg=name)

    def test_shows_the_tempo_and_beats_of_the_clicks(self):
        title = self.visit.page.text_content("#onset-title")
        tempo = float(title.split("tempo ")[1].split(" BPM")[0])
        self.assertAlmostEqual(tempo, 120, delta=4)
        beats = int(title.split("BPM, ")[1].split(" beats")[0])
        self.assertGreaterEqual(beats, 15)

    def test_reads_the_values_under_the_pointer(self):
        plot = self.visit.page.locator("#plot-pitch")
        plot.scroll_into_view_if_needed()
        box = plot.bounding_box()
        # 9.25 s, between two clicks: the tone has glided to 220 + 22 * 9.25 Hz. The plots' frames
        # leave 56 px for the axes on either side.
        t = 9.25
        x = box["x"] + 56 + (box["width"] - 112) * t / 10.0
        self.visit.page.mouse.move(x, box["y"] + box["height"] / 2)
        text = self.visit.page.text_content("#readout")
        self.assertTrue(text.startswith("0:09.2"), text)
        hz = float(text.split("f0 ")[1].split(" Hz")[0])
        self.assertAlmostEqual(hz, 220 + 22 * t, delta=5, msg=text)
        self.assertIn("loudest band", text)
        self.assertIn("strongest pitch class", text)

    def test_prints_on_a_few_pages(self):
        pdf = self.visit.page.pdf(format="A4", print_background=True)
        pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
        print(f"\nprinted on {pages} A4 pages", flush=True)
        self.assertGreaterEqual(pages, 1)
        self.assertLessEqual(pages, 4)
        self.assertGreater(len(pdf), 20000)


class LibraryMap(PageCase):
    """The map of a synthetic library of 10,000 tracks in 8 clusters."""

    @classmethod
    def make_page(cls, work):
        cls.db = make_store(BIN, work, 10000)
        page = work / "map.html"
        r = run("map", "--db", str(cls.db), "-o", str(page), "--color", "tempo_bpm")
        if r.returncode != 0:
            raise AssertionError(f"trackprint map failed: {r.stderr}")
        return page

    def test_draws_every_track_and_logs_no_error_nor_request(self):
        self.assertEqual(self.visit.console_errors, [])
        self.assertEqual(self.visit.requests, [self.visit.url])
        stats = pixel_stats(self.visit.page.screenshot())
        self.assertGreater(stats["inked"], 0.03, stats)
        self.assertGreater(stats["colours"], 30, stats)
        title = self.visit.page.text_content("#title")
        self.assertEqual(title, "Library map · 10000 tracks")

    def test_the_clusters_stay_apart_on_the_map(self):
        # Tracks of one synthetic cluster sit together: each one's map neighbours (by the PCA
        # coordinates) are mostly of its own cluster.
        same = self.visit.page.evaluate("""() => {
          const D = tp.data(), X = tp.f32(D.x), Y = tp.f32(D.y);
          const cluster = (i) => D.paths[i].split('/')[2];
          let same = 0, total = 0;
          for (let i = 1; i < D.count; i += 97) {
            let best = -1, bestD = Infinity;
            for (let j = 0; j < D.count; j++) {
              if (j === i) continue;
              const d = (X[i] - X[j]) ** 2 + (Y[i] - Y[j]) ** 2;
              if (d < bestD) { bestD = d; best = j; }
            }
            if (best > 0) { total++; if (cluster(best) === cluster(i)) same++; }
          }
          return same / total;
        }""")
        self.assertGreater(same, 0.8)

    def test_hover_names_the_track_under_the_pointer(self):
        page = self.visit.page
        box = page.locator("#map").bounding_box()
        for i in (17, 4242, 9999):
            x, y = page.evaluate(f"window.trackprintScreen({i})")
            page.mouse.move(box["x"] + x, box["y"] + y)
            tip = page.text_content("#tip")
            # The page names the track nearest the pointer, and the pointer lands on whole
            # pixels (at most 0.71 px from track i): another track as near may be named, one
            # within 1.42 px of i. Many lie that close where the metric's clipping piles them up.
            under = page.evaluate(f"""() => {{
              const D = tp.data(), X = tp.f32(D.x), Y = tp.f32(D.y);
              const [x, y] = window.trackprintScreen({i});
              return D.paths.filter((p, j) => {{
                const [a, b] = window.trackprintScreen(j);
                return (a - x) ** 2 + (b - y) ** 2 < 1.5 ** 2;
              }});
            }}""")
            self.assertTrue(any(p in tip for p in under), (tip, under[:3]))
            self.assertTrue(page.is_visible("#tip"))

    def test_click_lists_the_five_nearest_neighbours(self):
        page = self.visit.page
        box = page.locator("#map").bounding_box()
        x, y = page.evaluate("window.trackprintScreen(123)")
        page.mouse.click(box["x"] + x, box["y"] + y)
        rows = page.eval_on_selector_all("#neighbours tbody tr",
                                         "rs => rs.map(r => Array.from(r.cells).map(c => c.textContent))")
        self.assertEqual(len(rows), 5)
        distances = [float(r[3]) for r in rows]
        self.assertEqual(distances, sorted(distances))
        selected = page.text_content("#selected-sub")
        self.assertTrue(selected.startswith("/synthetic/"), selected)
        self.assertNotIn(selected, page.eval_on_selector_all("#neighbours tbody tr", "rs => rs.map(r => r.title)"))

    def test_every_colouring_draws(self):
        small = make_store(BIN, pathlib.Path(self.dir.name) / "small", 400)
        for colour in ("album", "genre", "lufs"):
            page_path = pathlib.Path(self.dir.name) / f"map-{colour}.html"
            r = run("map", "--db", str(small), "-o", str(page_path), "--color", colour)
            self.assertEqual(r.returncode, 0, r.stderr)
            visit = self.browser.open(page_path)
            self.assertEqual(visit.console_errors, [], colour)
            legend = visit.page.text_content("#legend")
            self.assertTrue(legend, colour)
            visit.page.close()


class Commands(unittest.TestCase):
    """report and map as a user meets them when something is wrong."""

    def test_a_file_that_fails_is_named_and_the_others_still_get_their_page(self):
        with tempfile.TemporaryDirectory() as work:
            good = pathlib.Path(work) / "good.wav"
            write_test_track(good, seconds=2)
            bad = pathlib.Path(work) / "bad.flac"
            bad.write_text("not audio")
            r = run("report", "-o", str(pathlib.Path(work) / "out"), str(bad), str(good))
            self.assertEqual(r.returncode, 1)
            self.assertIn("bad.flac", r.stderr)
            self.assertTrue((pathlib.Path(work) / "out" / "good.html").is_file())
            self.assertFalse((pathlib.Path(work) / "out" / "bad.html").exists())

    def test_usage_errors(self):
        r = run("report", "-o", "one.html", "a.flac", "b.flac")
        self.assertEqual(r.returncode, 2)
        self.assertIn("pass a directory", r.stderr)
        r = run("map", "--color", "mood")
        self.assertEqual(r.returncode, 2)
        self.assertIn("album, genre, lufs or tempo_bpm", r.stderr)
        self.assertEqual(run("report").returncode, 2)

    def test_a_missing_store_is_named(self):
        with tempfile.TemporaryDirectory() as work:
            db = pathlib.Path(work) / "none.db"
            r = run("map", "--db", str(db), "-o", str(pathlib.Path(work) / "m.html"))
            self.assertEqual(r.returncode, 1)
            self.assertIn(str(db), r.stderr)
            self.assertFalse(db.exists())


class FiveMinutePage(unittest.TestCase):
    """The size of a real 5-minute track's page: under 2 MB (the issue's bound)."""

    def test_is_under_two_megabytes(self):
        if not CORPUS:
            if IN_CI:
                self.fail("TRACKPRINT_CORPUS is not set")
            self.skipTest("TRACKPRINT_CORPUS is not set")
        track = pathlib.Path(CORPUS) / "flac" / "wz_track3.flac"  # 4:59
        self.assertTrue(track.exists(), track)
        with tempfile.TemporaryDirectory() as work:
            page = pathlib.Path(work) / "five.html"
            r = run("report", "-o", str(page), str(track))
            self.assertEqual(r.returncode, 0, r.stderr)
            size = page.stat().st_size
            self.assertLess(size, 2 * 1024 * 1024)
            with Browser() as browser:
                visit = browser.open(page)
                self.assertEqual(visit.console_errors, [])
                self.assertEqual(visit.requests, [visit.url])
                stats = pixel_stats(visit.page.screenshot(full_page=True))
                self.assertGreater(stats["inked"], 0.15, stats)
            print(f"\n{track.name}: page of {size / 1024:.0f} KB", flush=True)


if __name__ == "__main__":
    unittest.main()
