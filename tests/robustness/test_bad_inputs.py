"""Crafted files at and past trackprint's limits, and a file that fails to read midway: each is
refused with one clear line naming the file, the reason and (in a scan) the right kind, before
any real work. Files are generated here (tests/support/wavfile.py), never committed.

Run by ctest with TRACKPRINT_BIN and TRACKPRINT_FAULTY_IO (the fault shim); standard library.
"""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import wavfile  # noqa: E402

BIN = os.environ.get("TRACKPRINT_BIN", "build/release/src/trackprint")
SHIM = os.environ.get("TRACKPRINT_FAULTY_IO", "")
# Refusing a file takes a header read, not an analysis; generous for sanitizer builds.
REFUSAL_SECONDS = 10


def faulty(env_fault, path_suffix, after=0):
    """The environment that makes the file ending with `path_suffix` misbehave."""
    env = dict(os.environ, LD_PRELOAD=SHIM, TRACKPRINT_FAULT=env_fault,
               TRACKPRINT_FAULT_PATH=path_suffix, TRACKPRINT_FAULT_AFTER=str(after))
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
    return env


class BadInputs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="trackprint-bad-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def file(self, name):
        return os.path.join(self.dir, name)

    def refused(self, path, words, *options, env=None):
        """analyze refuses `path` with one line containing `words`; returns the seconds taken."""
        start = time.monotonic()
        r = subprocess.run([BIN, "analyze", *options, path], capture_output=True, text=True,
                           timeout=300, env=env)
        seconds = time.monotonic() - start
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(r.stderr.splitlines(), [f"{path}: " + r.stderr.split(": ", 1)[1].strip()])
        self.assertIn(words, r.stderr)
        print(f"\n  {os.path.basename(path)}: {r.stderr.strip().split(': ', 1)[1]} "
              f"({seconds:.2f} s)", file=sys.stderr)
        return seconds

    def stored_kind(self, path, *options, env=None):
        """The error kind a scan stores for `path` (alone in its folder)."""
        folder = tempfile.mkdtemp(dir=self.dir)
        shutil.copy(path, folder)
        db = os.path.join(folder, "store.db")
        r = subprocess.run([BIN, "scan", "--db", db, "--quiet", *options, folder],
                           capture_output=True, text=True, timeout=300, env=env)
        self.assertEqual(r.returncode, 1, r.stderr)
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return con.execute("SELECT status, error_kind FROM tracks").fetchall()
        finally:
            con.close()

    def test_a_16_hz_wav_is_refused_not_crashing_the_loudness_meter(self):
        small = wavfile.write(self.file("rate16.wav"), 16, 1, 1600)  # 3 KB, 100 s
        self.refused(small, "sample rate 16 Hz; trackprint reads 1000 to 768000 Hz")
        self.assertEqual(self.stored_kind(small), [("failed", "unsupported")])

    def test_a_16_mb_wav_declaring_16_hz_is_refused_at_once(self):
        big = wavfile.write(self.file("rate16_16mb.wav"), 16, 1, 8 * 1024 * 1024)  # 145 h
        self.assertEqual(os.path.getsize(big), 16 * 1024 * 1024 + 44)
        self.assertLess(self.refused(big, "sample rate 16 Hz"), REFUSAL_SECONDS)

    def test_rates_just_outside_the_range_are_refused_and_the_ends_accepted(self):
        for rate, accepted in ((999, False), (1000, True), (768000, True), (768001, False)):
            with self.subTest(rate):
                path = wavfile.write(self.file(f"rate{rate}.wav"), rate, 1, rate)  # 1 s
                r = subprocess.run([BIN, "analyze", "--json", path], capture_output=True,
                                   text=True, timeout=300)
                if accepted:
                    self.assertEqual(r.returncode, 0, r.stderr)
                    self.assertEqual(json.loads(r.stdout)["sample_rate"], rate)
                else:
                    self.assertEqual(r.returncode, 1)
                    self.assertIn(f"sample rate {rate} Hz", r.stderr)

    def test_65_channels_are_refused_as_unsupported_not_out_of_memory(self):
        path = wavfile.write(self.file("ch65.wav"), 8000, 65, 8000)
        self.refused(path, "65 channels; trackprint reads 1 to 64")
        self.assertEqual(self.stored_kind(path), [("failed", "unsupported")])
        # 64 channels is the limit, and is analysed.
        path = wavfile.write(self.file("ch64.wav"), 8000, 64, 8000)
        r = subprocess.run([BIN, "analyze", "--json", path], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["channels"], 64)

    def test_nan_samples_are_invalid_audio(self):
        path = wavfile.write(self.file("nan.wav"), 8000, 1, 8000, bits=32, fmt=wavfile.FLOAT,
                             sample=float("nan"))
        self.refused(path, "NaN or infinite samples")
        self.assertEqual(self.stored_kind(path), [("failed", "invalid_audio")])

    def test_huge_finite_samples_are_invalid_audio_not_an_internal_error(self):
        path = wavfile.write(self.file("huge.wav"), 8000, 1, 8000, bits=32, fmt=wavfile.FLOAT,
                             sample=3e38)
        self.refused(path, "over 1e6 times full scale")
        self.assertEqual(self.stored_kind(path), [("failed", "invalid_audio")])

    def test_over_six_hours_is_too_long_and_max_duration_moves_the_limit(self):
        # 6 h 40 min of 8-bit silence at 1 kHz: 24 MB.
        path = wavfile.write(self.file("seven_hours.wav"), 1000, 1, 24_000_000, bits=8)
        seconds = self.refused(path, "declares 24000 s of audio, over the limit of 21600 s")
        self.assertLess(seconds, REFUSAL_SECONDS)
        self.assertEqual(self.stored_kind(path), [("failed", "too_long")])
        short = wavfile.write(self.file("three_seconds.wav"), 8000, 1, 24000)
        self.refused(short, "over the limit of 2 s (--max-duration changes it)",
                     "--max-duration", "2")
        self.assertEqual(self.stored_kind(short, "--max-duration", "2"), [("failed", "too_long")])
        # A streamed WAV (length 0xFFFFFFFF: unknown) through a pipe declares nothing: the
        # limit then holds on what decoding yields.
        endless = self.file("endless.wav")
        with open(short, "rb") as f, open(endless, "wb") as out:
            out.write(wavfile.header(8000, 1, 16, wavfile.PCM, 0xFFFFFFFF - 36) + f.read()[44:])
        with open(endless, "rb") as f:
            piped = subprocess.run([BIN, "analyze", "--max-duration", "2", "/dev/stdin"],
                                   input=f.read(), capture_output=True, timeout=300)
        self.assertEqual(piped.returncode, 1)
        self.assertIn(b"decodes to more, over the limit of 2 s", piped.stderr)
        r = subprocess.run([BIN, "analyze", "--max-duration", "4", short], capture_output=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        for bad in ("0", "-1", "abc", "nan"):
            r = subprocess.run([BIN, "analyze", "--max-duration", bad, short], capture_output=True)
            self.assertEqual(r.returncode, 2, bad)

    @unittest.skipUnless(SHIM or os.environ.get("CI") == "true", "fault shim not built")
    def test_a_read_error_midway_is_an_io_failure_never_a_shorter_track(self):
        path = wavfile.write(self.file("eio.wav"), 8000, 1, 80000)  # 10 s, 160 KB
        # In the last 2 % of the file: taken as the end, this was once a silent fingerprint of
        # 98 % of the track (inside the truncation check's tolerance).
        env = faulty("eio", "eio.wav", after=158_000)
        self.refused(path, "read error after", env=env)
        self.refused(path, "Input/output error", env=env)
        self.assertEqual(self.stored_kind(path, env=env), [("failed", "io")])
        # Without the fault, the same file is fine: the failure was the read's.
        r = subprocess.run([BIN, "analyze", path], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    unittest.main()
