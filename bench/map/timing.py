"""How quickly the map page draws and answers the pointer with N tracks, measured inside
headless Chromium (the page records each redraw's and each hover's time):

    tests/browser/run bench/map/timing.py TRACKPRINT_BIN [N]     (N: 10000)

A synthetic store of N tracks in 8 clusters (tests/browser/synthetic_store.py) is mapped, then
the page is zoomed 30 times (a full redraw each) and the pointer moved to 600 places."""

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from browser import Browser
from synthetic_store import make_store

binary = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
with tempfile.TemporaryDirectory() as work:
    db = make_store(binary, work, n)
    page = Path(work) / "map.html"
    t0 = time.perf_counter()
    subprocess.run([binary, "map", "--db", str(db), "-o", str(page)], check=True,
                   capture_output=True)
    print(f"{n} tracks: trackprint map {time.perf_counter() - t0:.2f} s, page "
          f"{page.stat().st_size / 1024:.0f} KB")
    with Browser() as browser:
        t0 = time.perf_counter()
        visit = browser.open(page)
        print(f"  page open until drawn: {time.perf_counter() - t0:.2f} s")
        p = visit.page
        box = p.locator("#map").bounding_box()
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        p.mouse.move(cx, cy)
        for i in range(30):
            p.mouse.wheel(0, -60 if i < 15 else 60)
        p.evaluate("window.trackprintStats.hovers = []")
        for i in range(600):
            p.mouse.move(box["x"] + 5 + (i * 37) % (box["width"] - 10),
                         box["y"] + 5 + (i * 53) % (box["height"] - 10))
        stats = p.evaluate("window.trackprintStats")
        for name in ("draws", "hovers"):
            v = sorted(stats[name])
            print(f"  {name}: {len(v)}, median {statistics.median(v):.2f} ms, "
                  f"p95 {v[int(0.95 * (len(v) - 1))]:.2f} ms, max {v[-1]:.2f} ms")
        if visit.console_errors:
            sys.exit(f"console errors: {visit.console_errors}")
