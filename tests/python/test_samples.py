"""analyze(samples, sr): shapes, dtypes and threads that must not change the fingerprint, and
agreement with analyze_file on the same audio."""

import threading
import wave
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import trackprint

RATE = 44100


def music_like(seconds=3.0, seed=3):
    """Stereo: a chord with a beat of noise bursts, different in each channel, in int16 so that
    a WAV file of it decodes to exactly these samples / 32768."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    chord = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6)) / 6
    beat = (np.mod(t, 0.5) < 0.05) * rng.normal(0, 0.3, t.size)
    left, right = chord + beat, 0.8 * chord + 0.5 * beat + rng.normal(0, 0.01, t.size)
    return np.round(np.clip(np.stack([left, right]), -1, 1) * 32767).astype(np.int16)


PCM = music_like()
STEREO = PCM.astype(np.float32) / np.float32(32768)


def test_samples_give_the_fingerprint_of_the_same_audio_as_a_file(tmp_path):
    path = tmp_path / "chord.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(PCM.T.tobytes())
    from_file = trackprint.analyze_file(path)
    from_samples = trackprint.analyze(STEREO, RATE)
    # Not to the bit: the decoder hands over blocks of its own size, analyze() blocks of 65536
    # frames, and the stereo family's running sums round at the block edges (~1e-15 apart).
    assert from_file.as_array() == pytest.approx(from_samples.as_array(), rel=1e-12, abs=1e-12)
    assert (from_file.codec, from_samples.codec) == ("pcm_s16le", None)
    assert from_file.duration == from_samples.duration == PCM.shape[1] / RATE
    assert from_samples.sample_rate == RATE and from_samples.channels == 2


def test_mono_vector_equals_one_row():
    mono = STEREO[0]
    as_vector = trackprint.analyze(mono, RATE)
    as_row = trackprint.analyze(mono[np.newaxis, :], RATE)
    assert as_vector.as_dict() == as_row.as_dict()
    assert as_vector.channels == as_row.channels == 1
    # One channel has no side signal: the stereo family's fixed values (spec).
    assert as_vector["stereo_width"] == 0 and as_vector["phase_correlation"] == 1


def test_stereo_differs_from_its_left_channel_only_where_the_mix_does():
    stereo = trackprint.analyze(STEREO, RATE)
    left = trackprint.analyze(STEREO[0], RATE)
    assert stereo.channels == 2
    assert stereo["stereo_width"] > 0.01
    assert stereo["lufs"] != left["lufs"]


def test_float64_input_equals_the_float32_it_rounds_to():
    exact = trackprint.analyze(STEREO, RATE).as_dict()
    assert trackprint.analyze(STEREO.astype(np.float64), RATE).as_dict() == exact
    # float64 values within half a float32 step round back to it, as numpy's astype does.
    nudged = STEREO.astype(np.float64) * (1 + 2.0**-30)
    assert np.array_equal(nudged.astype(np.float32), STEREO) and not np.array_equal(nudged, STEREO)
    assert trackprint.analyze(nudged, RATE).as_dict() == exact


def test_strided_and_fortran_arrays_equal_their_contiguous_copy():
    exact = trackprint.analyze(STEREO, RATE).as_dict()
    assert trackprint.analyze(np.asfortranarray(STEREO), RATE).as_dict() == exact
    interleaved = np.ascontiguousarray(STEREO.T).T  # (2, n) view of (n, 2) memory
    assert trackprint.analyze(interleaved, RATE).as_dict() == exact
    every_other = trackprint.analyze(STEREO[:, ::2], RATE // 2).as_dict()
    assert every_other == trackprint.analyze(STEREO[:, ::2].copy(), RATE // 2).as_dict()
    assert trackprint.analyze(STEREO.tolist(), float(RATE)).as_dict() == exact
    assert trackprint.analyze(STEREO.astype(">f4"), RATE).as_dict() == exact  # big-endian
    assert trackprint.analyze(STEREO.astype(">f8"), RATE).as_dict() == exact


def test_the_input_array_is_left_unchanged():
    samples = STEREO.copy()
    trackprint.analyze(samples, RATE)
    assert np.array_equal(samples, STEREO)


def test_threads_inside_a_track_give_identical_values(corpus):
    track = corpus / "flac" / "push_greek.flac"
    one = trackprint.analyze_file(track, threads=1).as_dict()
    assert trackprint.analyze_file(track, threads=2).as_dict() == one
    assert trackprint.analyze(STEREO, RATE, threads=3).as_dict() == trackprint.analyze(
        STEREO, RATE).as_dict()  # fmt: skip


def test_python_threads_give_the_values_of_one_thread(tracks, module_fingerprints):
    """module_fingerprints were made two threads at a time; these, one at a time."""
    for track in tracks[:3]:
        assert trackprint.analyze_file(track).as_dict() == module_fingerprints[track].as_dict()
    samples = [STEREO, STEREO[::-1], STEREO[:, : RATE * 2], STEREO[0]]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(lambda s: trackprint.analyze(s, RATE).as_dict(), samples * 2))
    assert parallel == [trackprint.analyze(s, RATE).as_dict() for s in samples * 2]


@pytest.mark.parametrize("channels", [3, 6])
def test_more_than_two_channels_are_mixed_and_the_first_two_are_the_stereo_pair(channels):
    extra = np.concatenate([STEREO, np.zeros((channels - 2, STEREO.shape[1]), np.float32)])
    fp = trackprint.analyze(extra, RATE)
    pair = trackprint.analyze(STEREO, RATE)
    assert fp.channels == channels
    assert fp["stereo_width"] == pair["stereo_width"]
    assert fp["phase_correlation"] == pair["phase_correlation"]


def test_other_python_threads_run_while_a_track_is_analysed(tracks):
    """The GIL is released during the analysis: this thread keeps waking up meanwhile. Were it
    held, this thread could not run at all until analyze_file returned (a couple of wake-ups
    at most, just before and after); released, it wakes every 2 ms of a second-long analysis."""
    started, finished = threading.Event(), threading.Event()

    def analyse():
        started.set()
        trackprint.analyze_file(tracks[0])
        finished.set()

    worker = threading.Thread(target=analyse)
    worker.start()
    started.wait()
    wake_ups = 0
    while not finished.wait(0.002):
        wake_ups += 1
    worker.join()
    assert wake_ups >= 20
