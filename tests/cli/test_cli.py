"""The command line as users meet it: outputs, errors and exit statuses of `trackprint`.

Run by ctest with TRACKPRINT_BIN (the binary) and TRACKPRINT_CORPUS (the corpus directory).
Standard library only, so it runs with any python3.
"""
import csv
import io
import json
import math
import os
import subprocess
import sys
import unittest

BIN = os.environ.get("TRACKPRINT_BIN", "build/release/src/trackprint")
CORPUS = os.environ.get("TRACKPRINT_CORPUS", os.path.expanduser("~/.cache/trackprint-corpus"))
SPEC_NAMES = [
    "sub_bass_pct", "bass_pct", "low_mid_pct", "mid_pct", "upper_mid_pct", "presence_pct",
    "air_pct", "lufs", "crest_db", "bass_mid_ratio", "tempo_bpm", "rhythm_stability",
    "transient_density", "silence_ratio", "spectral_centroid", "spectral_rolloff",
    "spectral_flatness", "harmonic_ratio", "pitch_stability", "chroma_energy",
    "dynamic_range_variation", "loudness_variation_std", "peak_consistency", "stereo_width",
    "phase_correlation",
]
GOOD = os.path.join(CORPUS, "flac", "push_greek.flac")
MONO = os.path.join(CORPUS, "odd", "mono.flac")


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=300)


class Usage(unittest.TestCase):
    def test_help_and_version_exit_zero(self):
        for flag in ("--help", "-h"):
            r = run(flag)
            self.assertEqual(r.returncode, 0)
            self.assertIn("analyze", r.stdout)
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^trackprint \d+\.\d+\.\d+ \(fingerprint v1\)$")

    def test_bad_usage_exits_two(self):
        for args in ([], ["frobnicate"], ["analyze"], ["analyze", "--nope", GOOD]):
            r = run(*args)
            self.assertEqual(r.returncode, 2, args)
            self.assertTrue(r.stderr, args)
            self.assertEqual(r.stdout, "", args)

    def test_dimensions_lists_the_spec_names_in_order(self):
        r = run("dimensions")
        self.assertEqual(r.returncode, 0)
        names = [line.split()[1] for line in r.stdout.splitlines()[1:]]
        self.assertEqual(names, SPEC_NAMES)
        table = json.loads(run("dimensions", "--json").stdout)
        self.assertEqual([d["name"] for d in table], SPEC_NAMES)
        self.assertEqual({d["name"] for d in table if d["decision_based"]},
                         {"tempo_bpm", "rhythm_stability", "transient_density"})
        self.assertEqual(table[13]["tolerance"], "one_frame")


@unittest.skipUnless(os.path.exists(GOOD), "corpus not built")
class Analyze(unittest.TestCase):
    def test_json_lines_carry_exactly_the_spec_keys(self):
        r = run("analyze", "--json", GOOD, MONO)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 2)
        for line, path in zip(lines, (GOOD, MONO)):
            obj = json.loads(line)
            self.assertEqual(obj["path"], path)
            self.assertEqual([k for k in obj if k in SPEC_NAMES], SPEC_NAMES)
            for name in SPEC_NAMES:
                self.assertTrue(math.isfinite(obj[name]), name)
            self.assertEqual(obj["version"], 1)
            self.assertEqual(obj["codec"], "flac")
        mono = json.loads(lines[1])
        self.assertEqual(mono["channels"], 1)
        self.assertEqual(mono["stereo_width"], 0.0)
        self.assertEqual(mono["phase_correlation"], 1.0)

    def test_csv_has_a_header_and_one_row_per_file(self):
        r = run("analyze", "--csv", GOOD, MONO)
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = list(csv.reader(io.StringIO(r.stdout)))
        self.assertEqual(rows[0][:26], ["path"] + SPEC_NAMES)
        self.assertEqual(len(rows), 3)
        self.assertEqual(rows[1][0], GOOD)

    def test_table_and_json_agree(self):
        table = run("analyze", GOOD).stdout
        obj = json.loads(run("analyze", "--json", GOOD).stdout)
        for name in SPEC_NAMES:
            line = next(l for l in table.splitlines() if l.split()[:1] == [name])
            self.assertAlmostEqual(float(line.split()[1]), obj[name], places=4)

    def test_a_failing_file_is_named_and_the_others_still_analysed(self):
        bad = os.path.join(CORPUS, "odd", "not_audio.mp3")
        r = run("analyze", "--json", bad, GOOD, "/no/such/file.flac")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(len(r.stdout.splitlines()), 1)
        self.assertEqual(json.loads(r.stdout)["path"], GOOD)
        errors = r.stderr.splitlines()
        self.assertEqual(len(errors), 2)
        self.assertTrue(errors[0].startswith(bad + ": "), errors[0])
        self.assertTrue(errors[1].startswith("/no/such/file.flac: "), errors[1])

    def test_output_is_identical_from_run_to_run_and_for_any_thread_count(self):
        once = run("analyze", "--json", GOOD).stdout
        self.assertEqual(once, run("analyze", "--json", GOOD).stdout)
        self.assertEqual(once, run("analyze", "--json", "--threads", "2", GOOD).stdout)
        self.assertEqual(once, run("analyze", "--json", "--threads", "3", GOOD).stdout)

    def test_the_streamed_route_gives_the_same_bits_on_one_and_two_threads(self):
        # An MP3 without a Xing header declares no duration (FFmpeg only guesses one from the
        # bitrate), so it takes the streamed route, where a second thread takes y's blocks
        # through a queue (what ThreadSanitizer watches in CI).
        import shutil
        import tempfile
        folder = tempfile.mkdtemp(prefix="trackprint-cli-")
        try:
            path = os.path.join(folder, "no_xing.mp3")
            subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", GOOD, "-t", "20",
                            "-write_xing", "0", "-c:a", "libmp3lame", "-b:a", "96k", path],
                           check=True)
            one = run("analyze", "--json", path)
            self.assertEqual(one.returncode, 0, one.stderr)
            self.assertEqual(run("analyze", "--json", "--threads", "2", path).stdout, one.stdout)
        finally:
            shutil.rmtree(folder)

    def test_a_pipe_is_read_once_and_gives_the_file_s_fingerprint(self):
        with open(GOOD, "rb") as f:
            piped = subprocess.run([BIN, "analyze", "--json", "/dev/stdin"], stdin=f,
                                   capture_output=True, text=True, timeout=300)
        self.assertEqual(piped.returncode, 0, piped.stderr)
        from_pipe = json.loads(piped.stdout)
        from_file = json.loads(run("analyze", "--json", GOOD).stdout)
        self.assertEqual(from_pipe["path"], "/dev/stdin")
        for name in SPEC_NAMES:
            self.assertEqual(from_pipe[name], from_file[name], name)

    def test_files_in_parallel_keep_their_order_and_their_bits(self):
        bad = os.path.join(CORPUS, "odd", "not_audio.mp3")
        files = [MONO, bad, GOOD, MONO]
        serial = run("analyze", "--json", "--jobs", "1", *files)
        for jobs in ("2", "4"):
            parallel = run("analyze", "--json", "-j", jobs, *files)
            self.assertEqual(parallel.returncode, 1)
            self.assertEqual(parallel.stdout, serial.stdout, jobs)
            self.assertEqual(parallel.stderr, serial.stderr, jobs)
        self.assertEqual([json.loads(l)["path"] for l in serial.stdout.splitlines()], [MONO, GOOD, MONO])

    def test_bad_thread_counts_are_usage_errors(self):
        for option in ("--threads", "--jobs", "-j"):
            for value in ("0", "-1", "two", "1x", ""):
                r = run("analyze", option, value, GOOD)
                self.assertEqual(r.returncode, 2, (option, value))
        self.assertEqual(run("analyze", GOOD, "--threads").returncode, 2)


if __name__ == "__main__":
    sys.exit(unittest.main())
