"""What the scan tests share: the binary, short generated tracks, and reading the store.

Tracks are made with the ffmpeg command line (a few seconds each) so the suite stays quick;
the broken files come from the corpus's odd/ folder (TRACKPRINT_CORPUS).
"""
import os
import shutil
import sqlite3
import subprocess
import tempfile

BIN = os.environ.get("TRACKPRINT_BIN", "build/release/src/trackprint")
CORPUS = os.environ.get("TRACKPRINT_CORPUS", os.path.expanduser("~/.cache/trackprint-corpus"))
# Sanitizer builds run the engine several times slower: the tests then do less of the same.
SLOW_BUILD = os.environ.get("TRACKPRINT_SLOW_BUILD", "") not in ("", "0")

SPEC_NAMES = [
    "sub_bass_pct", "bass_pct", "low_mid_pct", "mid_pct", "upper_mid_pct", "presence_pct",
    "air_pct", "lufs", "crest_db", "bass_mid_ratio", "tempo_bpm", "rhythm_stability",
    "transient_density", "silence_ratio", "spectral_centroid", "spectral_rolloff",
    "spectral_flatness", "harmonic_ratio", "pitch_stability", "chroma_energy",
    "dynamic_range_variation", "loudness_variation_std", "peak_consistency", "stereo_width",
    "phase_correlation",
]
# The store's tag columns (docs/store.md), in their order.
TAG_NAMES = ["title", "artist", "album", "album_artist", "genre", "track_number", "date",
             "musicbrainz_recording_id"]

# name -> ffmpeg arguments after the lavfi source; every one decodes to a few seconds of music-ish
# signal, in the formats a library holds.
GOOD_TRACKS = {
    "tone.flac": ["-f", "lavfi", "-i", "sine=frequency=220:duration=3", "-ac", "2"],
    "tone.wav": ["-f", "lavfi", "-i", "sine=frequency=440:duration=2"],
    "noise.mp3": ["-f", "lavfi", "-i", "anoisesrc=d=3:c=pink:seed=7", "-ac", "2"],
    "chirp.ogg": ["-f", "lavfi", "-i", "aevalsrc=sin(2*PI*(200+200*t)*t)|sin(2*PI*(300+100*t)*t):d=3"],
    "beat.opus": ["-f", "lavfi", "-i", "aevalsrc=sin(2*PI*60*t)*lt(mod(t\\,0.5)\\,0.1):d=3:s=48000"],
    "sub/deeper/mix.m4a": ["-f", "lavfi", "-i", "sine=frequency=330:duration=2", "-c:a", "aac"],
}
# Broken files from the corpus, and the kind of failure each is.
BAD_TRACKS = {
    "empty.mp3": "not_audio",
    "not_audio.mp3": "not_audio",
    "short_0.3s.flac": "too_short",
    "truncated.flac": "decode",
}
NOT_AUDIO = ["cover.jpg", "notes.txt"]


def run(*args, env=None, timeout=600):
    return subprocess.run([BIN, *args], capture_output=True, text=True, errors="replace",
                          timeout=timeout, env=env)


def make_track(path, ffmpeg_args):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", *ffmpeg_args, path], check=True)


class TrackCache:
    """Generates each track once per test process; libraries are hard links to them."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="trackprint-scan-tracks-")
        for name, args in GOOD_TRACKS.items():
            make_track(os.path.join(self.dir, name), args)

    def library(self, dest, bad=True, extras=True):
        """A library folder at `dest`: the good tracks, the broken ones and some non-audio."""
        for name in GOOD_TRACKS:
            os.makedirs(os.path.dirname(os.path.join(dest, name)), exist_ok=True)
            shutil.copy2(os.path.join(self.dir, name), os.path.join(dest, name))
        if bad:
            for name in BAD_TRACKS:
                shutil.copy2(os.path.join(CORPUS, "odd", name), os.path.join(dest, name))
        if extras:
            for name in NOT_AUDIO:
                with open(os.path.join(dest, name), "w") as f:
                    f.write("not music\n")
        return dest

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def rows(db):
    """path -> row (a dict of every column) of the store at `db` ({} before its schema)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        if not con.execute("SELECT 1 FROM sqlite_schema WHERE name = 'tracks'").fetchall():
            return {}
        return {r["path"]: dict(r) for r in con.execute("SELECT * FROM tracks")}
    finally:
        con.close()


def integrity(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA integrity_check").fetchall()
    finally:
        con.close()


def fingerprints(db):
    """path -> the 25 values of every analysed track."""
    return {p: tuple(r[n] for n in SPEC_NAMES) for p, r in rows(db).items()
            if r["status"] == "analysed"}
