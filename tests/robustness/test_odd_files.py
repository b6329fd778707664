"""Odd but legal files give a fingerprint, broken ones a clear error: never a crash, a hang,
a NaN or a made-up value (issue: every file in the corpus's odd/).

Run by ctest with TRACKPRINT_BIN and TRACKPRINT_CORPUS; standard library only. Under the
sanitizer preset the same test catches memory errors on these inputs.
"""
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from required_inputs import needs  # noqa: E402  (tests/, added to the path just above)

BIN = os.environ.get("TRACKPRINT_BIN", "build/release/src/trackprint")
ODD = os.path.join(os.environ.get("TRACKPRINT_CORPUS", os.path.expanduser("~/.cache/trackprint-corpus")), "odd")

# file -> (channels, rate) of the fingerprint it must give
FINGERPRINTED = {
    "mono.flac": (1, 44100),
    "surround51.flac": (6, 44100),
    "rate8k.flac": (2, 8000),
    "rate96k.flac": (2, 96000),
    "rate192k.flac": (2, 192000),
    "silence_10s.flac": (2, 44100),
    "half_silence.flac": (2, 44100),
}
# file -> words the error line must contain
REJECTED = {
    "short_0.3s.flac": "too short",
    "truncated.flac": "truncated",
    "truncated.mp3": "truncated",
    "empty.mp3": "empty",
    "not_audio.mp3": "not an audio file",
}


def analyze(name):
    path = os.path.join(ODD, name)
    r = subprocess.run([BIN, "analyze", "--json", path], capture_output=True, text=True, timeout=600)
    return path, r


@needs(os.path.isdir(ODD), f"{ODD} is missing: scripts/corpus builds it (scripts/test does)")
class OddFiles(unittest.TestCase):
    def test_every_odd_file_is_covered_here(self):
        self.assertEqual(sorted(os.listdir(ODD)), sorted([*FINGERPRINTED, *REJECTED]))

    def test_legal_files_give_finite_fingerprints(self):
        for name, (channels, rate) in FINGERPRINTED.items():
            with self.subTest(name):
                path, r = analyze(name)
                self.assertEqual(r.returncode, 0, r.stderr)
                fp = json.loads(r.stdout)
                self.assertEqual((fp["channels"], fp["sample_rate"]), (channels, rate))
                for k, v in fp.items():
                    if isinstance(v, float):
                        self.assertTrue(math.isfinite(v), k)

    def test_silence_reads_as_silence(self):
        _, r = analyze("silence_10s.flac")
        fp = json.loads(r.stdout)
        self.assertEqual(fp["silence_ratio"], 1.0)
        self.assertEqual(fp["lufs"], -70.0)
        self.assertEqual(fp["crest_db"], 0.0)
        self.assertEqual(fp["stereo_width"], 0.0)
        self.assertEqual(fp["phase_correlation"], 1.0)

    def test_half_silence_is_about_half_silent(self):
        _, r = analyze("half_silence.flac")
        self.assertAlmostEqual(json.loads(r.stdout)["silence_ratio"], 0.5, delta=0.05)

    def test_broken_files_get_one_clear_error_line(self):
        for name, words in REJECTED.items():
            with self.subTest(name):
                path, r = analyze(name)
                self.assertEqual(r.returncode, 1, r.stdout)
                self.assertEqual(r.stdout, "")
                lines = r.stderr.splitlines()
                self.assertEqual(len(lines), 1, r.stderr)
                self.assertTrue(lines[0].startswith(path + ": "), lines[0])
                self.assertIn(words, lines[0])



@needs(shutil.which("ffmpeg"), "ffmpeg is not installed (scripts/install-deps installs it)")
class GeneratedFiles(unittest.TestCase):
    """Layouts and sample formats the corpus lacks, made with ffmpeg's signal generators."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="trackprint-odd-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def make(self, name, *args):
        path = os.path.join(self.dir, name)
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args, path], check=True)
        return path

    def fingerprint(self, path):
        r = subprocess.run([BIN, "analyze", "--json", path], capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        fp = json.loads(r.stdout)
        for k, v in fp.items():
            if isinstance(v, float):
                self.assertTrue(math.isfinite(v), k)
        return fp

    def test_seven_one_and_unusual_sample_formats(self):
        noise = ["-f", "lavfi", "-i", "anoisesrc=d=3:c=pink:r=48000:a=0.3"]
        cases = {
            "s71.flac": (noise + ["-af", "pan=7.1|c0=c0|c1=0.9*c0|c2=0.5*c0|c3=0.2*c0|c4=0.7*c0|c5=0.6*c0|c6=0.4*c0|c7=0.3*c0"], 8, 48000),
            "s24.wav": (noise + ["-ac", "2", "-c:a", "pcm_s24le"], 2, 48000),
            "u8_8k.wav": (noise + ["-ar", "8000", "-c:a", "pcm_u8"], 1, 8000),
            "f64.wav": (noise + ["-c:a", "pcm_f64le"], 1, 48000),
        }
        for name, (args, channels, rate) in cases.items():
            with self.subTest(name):
                fp = self.fingerprint(self.make(name, *args))
                self.assertEqual((fp["channels"], fp["sample_rate"]), (channels, rate))

    def test_audio_after_a_video_stream_is_found(self):
        path = self.make("video_then_audio.mkv", "-f", "lavfi", "-i", "testsrc=d=3:s=64x64",
                         "-f", "lavfi", "-i", "sine=f=440:d=3", "-c:v", "ffv1", "-c:a", "flac")
        self.assertEqual(self.fingerprint(path)["channels"], 1)

    def test_a_file_without_audio_says_so(self):
        path = self.make("video_only.mkv", "-f", "lavfi", "-i", "testsrc=d=1:s=64x64", "-c:v", "ffv1")
        r = subprocess.run([BIN, "analyze", path], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.strip(), path + ": no audio stream")


if __name__ == "__main__":
    unittest.main()
