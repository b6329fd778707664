"""Known answers for the oracle on synthetic signals (spec §5), so that a broken oracle is
caught before it is used to judge the engine.

    "$(scripts/oracle-env)" -m pytest tests/oracle
"""

import numpy as np
import pytest
import soundfile

import oracle

SR = oracle.SR


def sine(freq, seconds, amplitude=0.5, sr=SR):
    t = np.arange(int(seconds * sr)) / sr
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def mono(y, sr0=SR):
    """Arguments of oracle.fingerprint for a mono signal given at the analysis rate."""
    return y, None, None, y[:, None].astype(np.float64), sr0


def stereo(L, R):
    x = np.stack([L, R], axis=1).astype(np.float64)
    return (L + R) / 2, L, R, x, SR


def check_finite(values):
    assert list(values) == list(oracle.DIMENSIONS)
    assert all(np.isfinite(v) for v in values.values())


def test_sine_1khz_lands_in_mid():
    values = oracle.fingerprint(*mono(sine(1000, 3)))
    check_finite(values)
    assert values["mid_pct"] > 0.99
    assert sum(values[band] for band in oracle.BANDS) == pytest.approx(1, abs=1e-5)
    assert values["crest_db"] == pytest.approx(20 * np.log10(np.sqrt(2)), abs=0.01)
    assert values["pitch_stability"] > 0.95
    # A mono file has no stereo image: width 0, correlation 1.
    assert values["stereo_width"] == 0.0
    assert values["phase_correlation"] == 1.0


def test_identical_channels_have_no_width():
    L = sine(440, 2) + sine(3000, 2, 0.2)
    values = oracle.fingerprint(*stereo(L, L.copy()))
    assert values["stereo_width"] == 0.0
    assert values["phase_correlation"] == pytest.approx(1.0, abs=1e-6)


def test_opposite_channels_correlate_minus_one():
    L = sine(440, 2) + sine(3000, 2, 0.2)
    values = oracle.fingerprint(*stereo(L, -L))
    assert values["stereo_width"] == pytest.approx(1.0, abs=1e-6)
    assert values["phase_correlation"] == pytest.approx(-1.0, abs=1e-6)


def test_silence():
    z = np.zeros(3 * SR, np.float32)
    values = oracle.fingerprint(*stereo(z, z))
    check_finite(values)
    assert values["silence_ratio"] == 1.0
    assert values["lufs"] == -70.0
    assert values["crest_db"] == 0.0
    assert values["loudness_variation_std"] == 0.0
    assert values["harmonic_ratio"] == 0.5
    assert values["stereo_width"] == 0.0
    assert values["phase_correlation"] == 1.0
    assert all(values[band] == 0.0 for band in oracle.BANDS)


def test_half_silence():
    y = sine(440, 10)
    y[len(y) // 2 :] = 0
    assert oracle.fingerprint(*mono(y))["silence_ratio"] == pytest.approx(0.5, abs=0.02)


def test_white_noise_is_flat():
    y = np.random.default_rng(1).uniform(-0.5, 0.5, 3 * SR).astype(np.float32)
    values = oracle.fingerprint(*mono(y))
    assert values["spectral_flatness"] > 0.4
    assert values["harmonic_ratio"] < 0.7


def test_click_track_at_100_bpm():
    y = np.zeros(20 * SR, np.float32)
    period = int(round(SR * 60 / 100))
    for start in range(0, len(y) - 64, period):
        y[start : start + 64] = np.hanning(64)
    values = oracle.fingerprint(*mono(y))
    assert values["tempo_bpm"] == pytest.approx(100, abs=1)
    assert values["rhythm_stability"] > 0.9


def test_ebu_tone_reads_minus_23_lufs():
    # EBU Tech 3341 test 1: 1 kHz sine at -23 dBFS in both channels, at 48 kHz.
    tone = sine(1000, 20, amplitude=10 ** (-23 / 20), sr=48000).astype(np.float64)
    x = np.stack([tone, tone], axis=1)
    assert oracle.lufs(x, 48000) == pytest.approx(-23.0, abs=0.1)


def test_lfe_is_not_metered():
    tone = sine(1000, 5, amplitude=0.1, sr=48000).astype(np.float64)
    surround = np.zeros((len(tone), 6))
    surround[:, 0] = surround[:, 1] = tone
    loud_lfe = surround.copy()
    loud_lfe[:, 3] = 0.9 * sine(50, 5, sr=48000)
    assert oracle.lufs(loud_lfe, 48000) == oracle.lufs(surround, 48000)


def test_short_signal_is_not_a_fingerprint():
    with pytest.raises(oracle.NotAFingerprint):
        oracle.fingerprint(*mono(sine(440, 0.4)))


def test_mono_file_round_trip(tmp_path):
    path = tmp_path / "tone.flac"
    soundfile.write(path, sine(1000, 1.5, sr=44100), 44100)
    record = oracle.fingerprint_file(str(path))
    assert (record["sample_rate"], record["channels"]) == (44100, 1)
    assert record["duration_s"] == pytest.approx(1.5)
    assert record["y_len"] == int(np.ceil(1.5 * 44100 * SR / 44100))
    assert record["mid_pct"] > 0.99
