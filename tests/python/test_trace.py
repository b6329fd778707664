"""trackprint.trace(): the series behind a track's values as numpy arrays, with the same
fingerprint as analyze_file()."""

import math
import struct
import wave

import numpy as np
import pytest

import trackprint


@pytest.fixture(scope="module")
def tone(tmp_path_factory):
    """4 s of a 440 Hz tone at half scale, 22050 Hz mono."""
    path = tmp_path_factory.mktemp("trace") / "a440.wav"
    rate = 22050
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(16383 * math.sin(2 * math.pi * 440 * i / rate)))
                               for i in range(4 * rate)))
    return path


def test_the_fingerprint_is_analyze_file_s(tone):
    t = trackprint.trace(tone)
    assert t.fingerprint.as_dict() == trackprint.analyze_file(tone).as_dict()


def test_series_are_arrays_on_their_time_axes(tone):
    t = trackprint.trace(tone, spectrogram_columns=40)
    n = t.frame_times.size
    assert n == 1 + 4 * 22050 // 512
    for name in ("rms", "onset_envelope", "centroid_hz", "f0_hz", "voiced", "flatness"):
        assert getattr(t, name).shape == (n,), name
    assert t.chroma.shape == (12, n) and t.chroma.dtype == np.float32
    assert t.voiced.dtype == np.bool_
    assert t.spectrogram_db.shape == (128, t.spectrogram_times.size)
    assert t.spectrogram_times.size <= 40
    assert t.mel_bands_hz.shape == (128,)
    assert t.momentary_lufs.shape == t.loudness_times.shape == (40,)
    assert t.block_peak.shape == t.block_times.shape
    assert np.allclose(np.diff(t.frame_times), 512 / 22050)


def test_series_say_what_the_tone_is(tone):
    t = trackprint.trace(tone)
    inner = slice(10, -10)
    assert np.median(t.f0_hz[inner]) == pytest.approx(440, abs=1)
    assert t.voiced[inner].all()
    assert (t.chroma[:, inner].argmax(axis=0) == 9).all()  # A
    loudest = t.mel_bands_hz[t.spectrogram_db[:, t.spectrogram_db.shape[1] // 2].argmax()]
    assert loudest == pytest.approx(440, abs=40)
    assert t.wave_max.max() == pytest.approx(0.5, abs=1e-3)
    assert t.momentary_lufs[5:] == pytest.approx(t.fingerprint["lufs"], abs=0.05)


def test_arrays_are_fresh_copies(tone):
    t = trackprint.trace(tone)
    a = t.rms
    a[:] = 0
    assert t.rms.max() > 0


def test_a_file_that_is_not_audio_raises_naming_it(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("not audio")
    with pytest.raises(trackprint.Error) as e:
        trackprint.trace(bad)
    assert "notes.txt" in str(e.value)
