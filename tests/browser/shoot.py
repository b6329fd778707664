"""A screenshot of one trackprint page, as the docs show it:
shoot.py PAGE.html[#FRAGMENT] OUT.png [WIDTH HEIGHT] (the whole page unless a height is given;
scripts/screenshots runs it through tests/browser/run). Fails if the page logged an error or
asked for anything but itself."""

import sys

from browser import Browser

page, _, fragment = sys.argv[1].partition("#")
out = sys.argv[2]
width = int(sys.argv[3]) if len(sys.argv) > 3 else 1280
height = int(sys.argv[4]) if len(sys.argv) > 4 else 900
with Browser() as browser:
    visit = browser.open(page, width, height, fragment=fragment)
    visit.page.screenshot(path=out, full_page=len(sys.argv) <= 4)
    if visit.console_errors or visit.requests != [visit.url]:
        sys.exit(f"{page}: console errors {visit.console_errors}, requests {visit.requests}")
print(out)
