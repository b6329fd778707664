"""The command line as users meet it: outputs, errors and exit statuses of `trackprint`.

Run by ctest with TRACKPRINT_BIN (the binary) and TRACKPRINT_CORPUS (the corpus directory).
Standard library only, so it runs with any python3.
"""
import csv
import io
import json
import math
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from required_inputs import needs  # noqa: E402  (tests/, added to the path just above)

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
COMMANDS = ["analyze", "decode", "dimensions", "scan", "watch", "status", "show", "export",
            "import", "report", "map", "similar", "playlist", "duplicates"]
COMPLETION = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "completions",
                          "trackprint.bash")


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=300)


def run_bytes(*args):
    """For file names that are not UTF-8: arguments and output as bytes."""
    return subprocess.run([os.fsencode(BIN), *args], capture_output=True, timeout=300)


class Usage(unittest.TestCase):
    def test_help_and_version_exit_zero(self):
        for flag in ("--help", "-h"):
            r = run(flag)
            self.assertEqual(r.returncode, 0)
            self.assertIn("analyze", r.stdout)
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^trackprint \d+\.\d+\.\d+ \(fingerprint v1, numbers \d+\)$")

    def test_bad_usage_exits_two(self):
        for args in ([], ["frobnicate"], ["analyze"], ["analyze", "--nope", GOOD]):
            r = run(*args)
            self.assertEqual(r.returncode, 2, args)
            self.assertTrue(r.stderr, args)
            self.assertEqual(r.stdout, "", args)

    def test_global_help_lists_every_command(self):
        listed = run("--help").stdout
        for command in COMMANDS:
            self.assertRegex(listed, rf"(?m)^  {command} +\S")

    def test_every_command_has_its_own_help(self):
        options = {"analyze": ["--json", "--csv", "--jobs", "--threads", "--max-duration"],
                   "decode": ["--channel"], "dimensions": ["--json"],
                   "scan": ["--db", "--jobs", "--max-duration", "--retry-failed", "--prune",
                            "--sidecars", "--quiet", "--progress"],
                   "watch": ["--db", "--jobs", "--max-duration", "--retry-failed", "--prune",
                             "--sidecars", "--quiet", "--progress", "--settle", "--poll"],
                   "status": ["--db", "--json"], "show": ["--db", "--json"],
                   "export": ["--db", "--format", "--out"], "import": ["--db"],
                   "report": ["--out", "--db", "--metric", "--threads"],
                   "map": ["--db", "--out", "--color", "--metric"],
                   "similar": ["--db", "--count", "--metric", "--explain", "--json", "--all"],
                   "playlist": ["--db", "--count", "--to", "--max-per-artist", "--max-per-album",
                                "--min-distance", "--metric", "--json", "--output"],
                   "duplicates": ["--db", "--json"]}
        for command in COMMANDS:
            r = run(command, "--help")
            self.assertEqual(r.returncode, 0, command)
            self.assertIn(f"Usage: trackprint {command} ", r.stdout)
            for option in options[command]:
                self.assertIn(option, r.stdout, (command, option))
            self.assertEqual(run("help", command).stdout, r.stdout, command)
            self.assertEqual(run(command, "-h").stdout, r.stdout, command)
        self.assertEqual(run("help").stdout, run("--help").stdout)

    def test_watch_takes_seconds_for_settle_and_poll(self):
        for option, value, allowed in (("--settle", "-1", "0 to 86400"),
                                       ("--settle", "x", "0 to 86400"),
                                       ("--poll", "0.5", "1 to 86400"),
                                       ("--poll", "86401", "1 to 86400")):  # fmt: skip
            r = run("watch", option, value, "/nowhere")
            self.assertEqual(r.returncode, 2, (option, value))
            self.assertIn(f"{option}: '{value}' is not a number of seconds from {allowed}",
                          r.stderr)

    def test_unknown_options_and_commands_are_named(self):
        for command in COMMANDS:
            r = run(command, "--frobnicate", "x", "y")
            self.assertEqual(r.returncode, 2, command)
            self.assertIn("--frobnicate", r.stderr, command)
            self.assertIn(f"trackprint {command} --help", r.stderr, command)
            self.assertEqual(r.stdout, "", command)
        r = run("frobnicate")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown command 'frobnicate'", r.stderr)

    def test_a_bad_number_is_a_usage_error_naming_the_option(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "out.raw")
            # Once `--channel x` silently became channel 0.
            for value in ("x", "2", "-1", "0x1", "1.0"):
                for args in (["--channel", value], [f"--channel={value}"]):
                    r = run("decode", *args, GOOD, out)
                    self.assertEqual(r.returncode, 2, args)
                    self.assertIn("--channel", r.stderr, args)
                    self.assertIn(f"'{value}'", r.stderr, args)
            self.assertFalse(os.path.exists(out))
        # Decimal only: CLI11 by itself would read 0x10 as 16 and 010 as 8.
        for value in ("0x10", "1e1", " 4", "+4", "257"):
            r = run("scan", "--jobs", value, "--db", "/nonexistent/s.db", "/nonexistent")
            self.assertEqual(r.returncode, 2, value)
            self.assertIn("--jobs", r.stderr, value)

    def test_an_option_takes_its_value_after_an_equals_sign_too(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "none.db")
            for args in (["--db", db], [f"--db={db}"]):
                r = run("status", *args)
                self.assertEqual(r.returncode, 1, args)  # no such store: the value was used
                self.assertIn(db, r.stderr)

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


def complete(*words):
    """What the bash completion offers for `trackprint WORDS` (the last word being typed)."""
    script = (f"source {shlex.quote(COMPLETION)}\n"
              f"COMP_WORDS=(trackprint {' '.join(shlex.quote(w) for w in words)})\n"
              f"COMP_CWORD={len(words)}\n_trackprint\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n")
    r = subprocess.run(["bash", "--norc", "-c", script], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    return sorted(set(r.stdout.split()))


def help_options(*command):
    """The options a --help text lists (short and long names)."""
    text = run(*command, "--help").stdout
    options = text[text.index("Options:"):]
    found = set()
    for m in re.finditer(r"(?m)^  (-\w,)?(--[\w-]+)", options):
        found |= {m.group(2)} | ({m.group(1)[:-1]} if m.group(1) else set())
    return sorted(found)


class Completion(unittest.TestCase):
    def test_it_offers_the_commands_the_help_lists(self):
        listed = re.findall(r"(?m)^  ([a-z]+) +\S", run("--help").stdout)
        self.assertEqual(complete(""), sorted(listed + help_options()))
        self.assertEqual(complete("sc"), ["scan"])
        self.assertEqual(complete("help", ""), sorted(COMMANDS))

    def test_it_offers_exactly_each_command_s_options(self):
        for command in COMMANDS:
            self.assertEqual(complete(command, "-"), help_options(command), command)
            self.assertEqual(complete(command, "--json", "-"), help_options(command), command)

    def test_it_offers_the_values_of_choice_options(self):
        self.assertEqual(complete("scan", "--progress", ""), ["bar", "json", "plain"])
        self.assertEqual(complete("scan", "--db", "x.db", "--progress", "=", "j"), ["json"])
        self.assertEqual(complete("export", "--format", "=", ""), ["csv", "jsonl", "parquet"])
        self.assertEqual(complete("map", "--color", "t"), ["tempo_bpm"])
        self.assertEqual(complete("analyze", "--jobs", ""), [])
        self.assertEqual(complete("similar", "--metric", "e"), ["equal", "equal-zscore"])
        self.assertEqual(complete("playlist", "--count", ""), [])


@needs(os.path.exists(GOOD), f"{GOOD} is missing: scripts/corpus builds it (scripts/test does)")
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

    def test_values_after_an_equals_sign_are_the_same_options(self):
        spaced = run("analyze", "--json", "--threads", "2", "--jobs", "1", GOOD, MONO)
        joined = run("analyze", "--json", "--threads=2", "--jobs=1", GOOD, MONO)
        short = run("analyze", "--json", "-j1", GOOD, MONO)
        self.assertEqual(spaced.returncode, 0, spaced.stderr)
        self.assertEqual(joined.stdout, spaced.stdout)
        self.assertEqual(short.stdout, spaced.stdout)

    def test_json_numbers_are_the_same_doubles_as_the_csv_text(self):
        # The CSV writes each double as its shortest round-trip text (std::to_chars); the JSON
        # writer (nlohmann) may spell it differently (1.0 for 1) but must give the same bits.
        rows = list(csv.reader(io.StringIO(run("analyze", "--csv", GOOD, MONO).stdout)))
        header = rows[0]
        lines = run("analyze", "--json", GOOD, MONO).stdout.splitlines()
        for row, line in zip(rows[1:], lines):
            obj = json.loads(line)
            for name in SPEC_NAMES + ["duration_s"]:
                text = row[header.index(name)]
                self.assertEqual(float(obj[name]).hex(), float(text).hex(), (name, text))

    def test_a_name_that_is_not_utf8_is_valid_json_and_given_back_exactly(self):
        with tempfile.TemporaryDirectory() as tmp:
            weird = os.fsencode(tmp) + b"/caf\xff \xe9.flac"
            plain = os.path.join(tmp, "caf\u00e9.flac")
            shutil.copyfile(MONO, weird)
            shutil.copyfile(MONO, plain)
            r = run_bytes("analyze", "--json", weird, os.fsencode(plain))
            self.assertEqual(r.returncode, 0, r.stderr)
            lines = r.stdout.decode("utf-8").splitlines()  # strict: every byte is UTF-8
            first, second = (json.loads(line) for line in lines)
            self.assertEqual(bytes(first["path_bytes"]), weird)
            self.assertEqual(first["path"], tmp + "/caf\ufffd \ufffd.flac")
            self.assertEqual(second["path"], plain)
            self.assertNotIn("path_bytes", second)
            for name in SPEC_NAMES:
                self.assertEqual(first[name], second[name], name)

    def test_a_colon_in_a_name_is_part_of_the_file_name_not_a_protocol(self):
        with tempfile.TemporaryDirectory() as tmp:
            for name in ("Live: 1999.flac", "http:x.flac", "pipe:0"):
                path = os.path.join(tmp, name)
                shutil.copyfile(MONO, path)
                r = subprocess.run([BIN, "analyze", "--json", name], cwd=tmp,
                                   capture_output=True, text=True, timeout=300)
                self.assertEqual(r.returncode, 0, (name, r.stderr))
                self.assertEqual(json.loads(r.stdout)["path"], name)

    def test_a_playlist_opens_no_other_file_or_url(self):
        with tempfile.TemporaryDirectory() as tmp:
            track = os.path.join(tmp, "track.flac")
            shutil.copyfile(MONO, track)
            listener = socket.socket()
            listener.bind(("127.0.0.1", 0))
            listener.listen(1)
            listener.setblocking(False)
            url = "http://127.0.0.1:%d/track.flac" % listener.getsockname()[1]
            # Audio extensions, playlist contents: what a music folder may hold by mistake.
            playlists = {
                "hls_local.mp3": f"#EXTM3U\n#EXT-X-TARGETDURATION:30\n#EXTINF:30,\n{track}\n"
                                 "#EXT-X-ENDLIST\n",
                "hls_url.mp3": f"#EXTM3U\n#EXT-X-TARGETDURATION:30\n#EXTINF:30,\n{url}\n"
                               "#EXT-X-ENDLIST\n",
                "concat.flac": "ffconcat version 1.0\nfile track.flac\n",
                "concat_url.flac": f"ffconcat version 1.0\nfile '{url}'\n",
            }
            for name, text in playlists.items():
                with open(os.path.join(tmp, name), "w") as f:
                    f.write(text)
            r = subprocess.run([BIN, "analyze", "--json", *playlists], cwd=tmp,
                               capture_output=True, text=True, timeout=300)
            self.assertEqual(r.returncode, 1)
            self.assertEqual(r.stdout, "")  # no fingerprint of the track through a playlist
            errors = r.stderr.splitlines()
            self.assertEqual(len(errors), len(playlists), errors)
            self.assertIn("hls_local.mp3: refers to other files or URLs", errors[0])
            with self.assertRaises(BlockingIOError):
                listener.accept()  # nobody connected
            listener.close()

    def test_bad_thread_counts_are_usage_errors(self):
        for option in ("--threads", "--jobs", "-j"):
            for value in ("0", "-1", "two", "1x", ""):
                r = run("analyze", option, value, GOOD)
                self.assertEqual(r.returncode, 2, (option, value))
        self.assertEqual(run("analyze", GOOD, "--threads").returncode, 2)


if __name__ == "__main__":
    sys.exit(unittest.main())
