"""Headless Chromium (Debian's, through Playwright) opening a trackprint page, and what it saw:
errors on the console, every request the page made, and a screenshot's pixel statistics."""

import dataclasses
import io
import os
import pathlib
import tempfile

from PIL import Image, ImageStat
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("TRACKPRINT_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium tries to reach its vendor's servers.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclasses.dataclass
class Visit:
    page: object
    url: str
    console_errors: list
    requests: list  # every URL the page asked for, itself included


class Browser:
    """A fresh Chromium profile for each instance: `with Browser() as b: visit = b.open(path)`."""

    def __enter__(self):
        self._profile = tempfile.TemporaryDirectory(prefix="trackprint-chromium-")
        self._pw = sync_playwright().start()
        self._context = self._pw.chromium.launch_persistent_context(
            self._profile.name, executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": 1280, "height": 900}, device_scale_factor=1)
        # Nothing leaves the machine: any request but a file:// one is refused (and recorded).
        self._context.route(lambda url: not url.startswith("file://"), lambda route: route.abort())
        return self

    def __exit__(self, *exc):
        self._context.close()
        self._pw.stop()
        self._profile.cleanup()

    def open(self, path, width=1280, height=900, ready="window.trackprintReady === true",
             fragment=""):
        page = self._context.new_page()
        page.set_viewport_size({"width": width, "height": height})
        errors, requests = [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        url = pathlib.Path(path).resolve().as_uri()
        page.goto(url + (f"#{fragment}" if fragment else ""))
        page.wait_for_function(ready, timeout=60000)
        return Visit(page, url, errors, requests)


def pixel_stats(png):
    """Of a PNG screenshot: the share of pixels that are not near-white, the luminance's standard
    deviation and the number of distinct colours (a blank page has ~0, ~0 and 1)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    grey = image.convert("L")
    histogram = grey.histogram()
    total = sum(histogram)
    inked = sum(histogram[:240]) / total
    colours = image.getcolors(maxcolors=1 << 20)
    return {"inked": inked, "stddev": ImageStat.Stat(grey).stddev[0],
            "colours": len(colours) if colours else 1 << 20}


# The share of each canvas's pixels that are neither white nor transparent, by canvas id.
CANVAS_INK = """() => Array.from(document.querySelectorAll('.plot')).map((box) => {
  const c = box.querySelector('canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let inked = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] > 0 && (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235)) inked++;
  }
  return [box.id, inked / (d.length / 4)];
})"""
