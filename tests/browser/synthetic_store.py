"""A synthetic library store of any size for the map's tests and benchmark: one real track is
scanned into a fresh store by `trackprint scan` (so the schema is whatever this trackprint
writes), then its row is copied n - 1 times with other paths and fingerprints drawn around
`clusters` random centres within each dimension's range."""

import json
import math
import pathlib
import random
import sqlite3
import struct
import subprocess
import wave

# Where the spec sets no bound, a plausible spread.
OPEN_RANGES = {"lufs": (-30.0, -5.0), "crest_db": (4.0, 20.0), "bass_mid_ratio": (-12.0, 12.0)}


def _write_seed_track(path, seconds=1.5, rate=22050):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(9000 * math.sin(2 * math.pi * 330 * i / rate)))
                               for i in range(int(seconds * rate))))


def make_store(binary, work, n, clusters=8, seed=1):
    """The store's path; row i (i >= 1) is /synthetic/cluster<c>/track<i>.flac."""
    work = pathlib.Path(work)
    music = work / "seed-music"
    music.mkdir(parents=True, exist_ok=True)
    _write_seed_track(music / "seed.wav")
    db = work / "synthetic.db"
    subprocess.run([binary, "scan", "--db", str(db), "--quiet", str(music)], check=True,
                   capture_output=True)
    dims = json.loads(subprocess.run([binary, "dimensions", "--json"], check=True,
                                     capture_output=True, text=True).stdout)
    rng = random.Random(seed)
    ranges = []
    for d in dims:
        lo, hi = OPEN_RANGES.get(d["name"], (d["min"], d["max"]))
        ranges.append((float(lo), float(hi)))
    centres = [[rng.uniform(lo, hi) for lo, hi in ranges] for _ in range(clusters)]
    con = sqlite3.connect(db)
    columns = [r[1] for r in con.execute("PRAGMA table_info(tracks)")]
    template = dict(zip(columns, con.execute("SELECT * FROM tracks").fetchone()))
    rows = []
    for i in range(1, n):
        c = i % clusters
        row = dict(template, id=None, path=f"/synthetic/cluster{c}/track{i:05d}.flac")
        for d, (lo, hi), centre in zip(dims, ranges, centres[c]):
            row[d["name"]] = min(hi, max(lo, rng.gauss(centre, 0.06 * (hi - lo))))
        rows.append([row[k] for k in columns])
    with con:
        con.executemany(f"INSERT INTO tracks ({', '.join(columns)}) VALUES "
                        f"({', '.join('?' * len(columns))})", rows)
    con.close()
    return db
