"""Ctrl-C during a 60-minute file: `trackprint analyze` and `trackprint scan` stop within about
a second instead of at the end of the file, exit 130, and the scan leaves the file pending (not
failed, not in flight) beside the tracks it finished; so does a scan retrying alone the file a
killed scan left in flight. The hour is generated here with ffmpeg (a mono 22050 Hz WAV,
decoded at once, so the time goes to the analysis itself).

Run by ctest with TRACKPRINT_BIN; standard library. The latency is printed and asserted under
MAX_LATENCY_S, generous for a loaded CI machine (the engine checks several times a second).
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

BIN = os.environ.get("TRACKPRINT_BIN", "build/release/src/trackprint")
MAX_LATENCY_S = 2.0
SIGNAL_AFTER_S = 3.0  # well into the first of the streamed route's two passes


def make_tone(path, seconds, frequency=220):
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"sine=frequency={frequency}:sample_rate=22050:duration={seconds}", "-ac", "1",
                    path], check=True)


def interrupted(args):
    """Runs BIN with args, sends SIGINT after SIGNAL_AFTER_S; (exit code, latency, stderr)."""
    p = subprocess.Popen([BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(SIGNAL_AFTER_S)
    if p.poll() is not None:
        raise AssertionError(f"finished before the signal: {p.communicate()}")
    sent = time.monotonic()
    p.send_signal(signal.SIGINT)
    try:
        _, err = p.communicate(timeout=120)
    finally:
        if p.poll() is None:
            p.kill()
    latency = time.monotonic() - sent
    print(f"{args[0]}: exit {p.returncode} {latency:.2f} s after SIGINT", file=sys.stderr)
    return p.returncode, latency, err


class Interrupt(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="trackprint-interrupt-")
        cls.music = os.path.join(cls.dir, "music")
        os.makedirs(cls.music)
        cls.hour = os.path.join(cls.music, "hour.wav")
        make_tone(cls.hour, 3600)
        cls.short = os.path.join(cls.music, "short.wav")
        make_tone(cls.short, 5, frequency=440)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_analyze_stops_within_a_second(self):
        code, latency, err = interrupted(["analyze", "--json", self.hour])
        self.assertEqual(code, 130, err)
        self.assertIn("interrupted", err)
        self.assertLess(latency, MAX_LATENCY_S)

    def test_scan_stops_within_a_second_and_leaves_the_file_pending(self):
        db = os.path.join(self.dir, "store.db")
        # --jobs 2: the short file is finished (and committed) while the hour is analysed.
        code, latency, err = interrupted(["scan", "--db", db, "--jobs", "2", "--progress", "json",
                                          self.music])
        self.assertEqual(code, 130, err)
        self.assertLess(latency, MAX_LATENCY_S)
        r = subprocess.run([BIN, "status", "--db", db, "--json"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        status = json.loads(r.stdout)
        self.assertEqual((status["tracks"], status["analysed"], status["pending"],
                          status["failed"]), (2, 1, 1, 0), status)
        self.assertEqual(status["in_flight"], [], "a cancelled file is not left in flight")
        r = subprocess.run([BIN, "show", "--db", db, "--json", self.hour], capture_output=True,
                           text=True)
        self.assertEqual(json.loads(r.stdout)["status"], "pending", r.stdout)

    def test_a_lone_retry_stops_within_a_second(self):
        # A scan killed mid-file leaves it in flight; the next scan retries it alone, before any
        # other file and on its own, and Ctrl-C must stop that retry as it stops a worker.
        music = os.path.join(self.dir, "lone")
        os.makedirs(music)
        os.link(self.hour, os.path.join(music, "hour.wav"))
        db = os.path.join(self.dir, "lone.db")
        p = subprocess.Popen([BIN, "scan", "--db", db, "--jobs", "1", music],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(SIGNAL_AFTER_S)
        self.assertIsNone(p.poll(), "the first scan finished before it was killed")
        p.kill()
        p.wait()
        status = json.loads(subprocess.run([BIN, "status", "--db", db, "--json"],
                                           capture_output=True, text=True, check=True).stdout)
        self.assertEqual(len(status["in_flight"]), 1, status)
        code, latency, err = interrupted(["scan", "--db", db, "--progress", "json", music])
        self.assertEqual(code, 130, err)
        self.assertLess(latency, MAX_LATENCY_S)
        status = json.loads(subprocess.run([BIN, "status", "--db", db, "--json"],
                                           capture_output=True, text=True, check=True).stdout)
        self.assertEqual((status["pending"], status["failed"], status["in_flight"]), (1, 0, []),
                         "a cancelled retry is no death: the next scan retries it afresh")


if __name__ == "__main__":
    unittest.main()
