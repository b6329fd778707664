"""Failures raise the trackprint.Error subclass of their kind, naming the file and the reason."""

import pickle
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import trackprint

ODD_FILES = [
    ("short_0.3s.flac", trackprint.TooShortError, "too_short", "too short"),
    ("truncated.flac", trackprint.DecodeError, "decode", "truncated"),
    ("empty.mp3", trackprint.NotAudioError, "not_audio", "empty"),
    ("not_audio.mp3", trackprint.NotAudioError, "not_audio", "not an audio file"),
]


@pytest.mark.parametrize(("name", "cls", "kind", "said"), ODD_FILES)
def test_broken_files_raise_their_kind(corpus, name, cls, kind, said):
    path = corpus / "odd" / name
    with pytest.raises(cls) as caught:
        trackprint.analyze_file(path)
    error = caught.value
    assert isinstance(error, trackprint.Error)
    assert (error.kind, error.path) == (kind, str(path))
    assert said in error.reason
    assert str(error) == f"{path}: {error.reason}"


def test_a_missing_file_is_a_file_read_error_and_an_oserror(tmp_path):
    missing = tmp_path / "nowhere.flac"
    with pytest.raises(OSError) as caught:
        trackprint.analyze_file(missing)
    assert type(caught.value) is trackprint.FileReadError
    assert caught.value.kind == "io" and caught.value.path == str(missing)


def test_a_path_can_be_str_bytes_or_pathlike(corpus):
    short = corpus / "odd" / "short_0.3s.flac"
    for spelling in (short, str(short), bytes(short)):
        with pytest.raises(trackprint.TooShortError) as caught:
            trackprint.analyze_file(spelling)
        assert caught.value.path == str(short)


NOISE = np.random.default_rng(5).uniform(-0.5, 0.5, (2, 44100)).astype(np.float32)


def with_value(array, index, value):
    changed = array.copy()
    changed[index] = value
    return changed


@pytest.mark.parametrize(("samples", "sr", "said"), [
    (NOISE.astype(np.int16), 44100, "float32 or float64, not int16"),
    (NOISE.astype(np.complex64), 44100, "not complex64"),
    (np.array(["a", "b"]), 44100, "float32 or float64"),
    (NOISE.reshape(2, 2, -1), 44100, "not 3-dimensional"),
    (np.float32(0.5), 44100, "not 0-dimensional"),
    (np.zeros(0, np.float32), 44100, "empty"),
    (np.zeros((0, 100), np.float32), 44100, "empty"),
    (np.zeros((2, 0), np.float32), 44100, "empty"),
    (NOISE.T, 44100, "pass samples.T"),
    (with_value(NOISE, (1, 300), np.nan), 44100, "sample 300 of channel 1 is NaN"),
    (with_value(NOISE, (0, 7), np.inf), 44100, "sample 7 of channel 0 is NaN, infinite"),
    (with_value(NOISE.astype(np.float64), (0, 9), 1e300), 44100, "beyond float32's range"),
    (NOISE, 0, "sample rate out of range"),
    (NOISE, -44100, "sample rate out of range"),
    (NOISE, 999, "sample rate out of range"),
    (NOISE, 10**30, "sample rate out of range"),
    (NOISE, 44100.5, "whole number of Hz"),
    (NOISE, float("nan"), "whole number of Hz"),
    (NOISE, "44100", "must be an int, not str"),
])  # fmt: skip
def test_unusable_samples_raise_invalid_input(samples, sr, said):
    with pytest.raises(trackprint.InvalidInputError) as caught:
        trackprint.analyze(samples, sr)
    assert isinstance(caught.value, ValueError)
    assert caught.value.kind == "invalid_input" and caught.value.path is None
    assert said in caught.value.reason


def test_under_half_a_second_of_samples_is_too_short():
    with pytest.raises(trackprint.TooShortError, match="0.49 s"):
        trackprint.analyze(NOISE[:, : 44100 * 49 // 100], 44100)


def test_threads_below_one_are_invalid(corpus):
    with pytest.raises(trackprint.InvalidInputError, match="threads"):
        trackprint.analyze(NOISE, 44100, threads=0)
    with pytest.raises(trackprint.InvalidInputError, match="threads"):
        trackprint.analyze_file(corpus / "odd" / "mono.flac", threads=-1)


def test_each_kind_has_one_class():
    kinds = {cls.kind: cls for cls in trackprint.Error.__subclasses__()}
    assert sorted(kinds) == sorted(["io", "not_audio", "no_audio", "decode", "unsupported",
                                    "too_short", "too_long", "invalid_audio", "invalid_input",
                                    "crashed", "cancelled", "internal"])  # fmt: skip
    assert kinds["no_audio"] is trackprint.NoAudioError
    assert kinds["unsupported"] is trackprint.UnsupportedError
    assert kinds["internal"] is trackprint.InternalError


def test_errors_pickle_with_their_fields():
    error = trackprint.DecodeError("truncated: decoded 2.0 s", "/music/a.flac")
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is trackprint.DecodeError
    assert (back.kind, back.path, back.reason, str(back)) == (
        "decode", "/music/a.flac", "truncated: decoded 2.0 s", "/music/a.flac: truncated: decoded 2.0 s")  # fmt: skip


def test_ctrl_c_during_analyze_file_raises_keyboard_interrupt_within_a_second(tmp_path):
    """The engine's cancel flag, set from the calling thread's signal check: an hour-long file
    stops within about a second (2 s allowed on a loaded machine), as KeyboardInterrupt."""
    hour = tmp_path / "hour.wav"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                    "sine=frequency=220:sample_rate=22050:duration=3600", "-ac", "1", str(hour)],
                   check=True)  # fmt: skip
    code = "import sys, trackprint; trackprint.analyze_file(sys.argv[1])"
    p = subprocess.Popen([sys.executable, "-c", code, str(hour)], stderr=subprocess.PIPE,
                         text=True)  # fmt: skip
    time.sleep(3)
    assert p.poll() is None, p.communicate()
    sent = time.monotonic()
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    latency = time.monotonic() - sent
    print(f"KeyboardInterrupt {latency:.2f} s after SIGINT")
    assert "KeyboardInterrupt" in err
    assert latency < 2.0
