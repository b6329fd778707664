"""docs/fingerprint-v1.md and the oracle agree: the page's reference code, run as written, gives
the oracle's 25 values on a synthetic stereo track on which no special case applies.

    "$(scripts/oracle-env)" -m pytest tests/oracle
"""

import re
from pathlib import Path

import librosa
import numpy as np
import pyloudnorm
import pytest

import oracle

PAGE = Path(__file__).resolve().parents[2] / "docs" / "fingerprint-v1.md"
SR = oracle.SR
FAMILIES = ("Frequency", "Dynamics", "Temporal", "Spectral", "Harmonic", "Variation", "Stereo")


def reference_code():
    """The ```python blocks of the page, in order."""
    return re.findall(r"```python\n(.*?)```", PAGE.read_text(), flags=re.S)


def track(seconds=6.0):
    """Clicks at 120 BPM over a chord with a moving top note and some noise; the right channel
    is a quieter, slightly different mix, so that every dimension is away from its special case."""
    t = np.arange(int(seconds * SR)) / SR
    chord = sum(np.sin(2 * np.pi * f * t) for f in (110.0, 220.0, 277.2, 329.6)) / 8
    melody = 0.2 * np.sin(2 * np.pi * (660 + 40 * np.sin(2 * np.pi * 0.5 * t)) * t)
    clicks = np.zeros_like(t)
    for beat in np.arange(0.1, seconds, 0.5):
        start = int(beat * SR)
        burst = np.random.default_rng(int(start)).uniform(-1, 1, 441) * np.exp(-np.arange(441) / 90)
        clicks[start : start + 441] += burst[: len(clicks) - start]
    noise = np.random.default_rng(3).normal(0, 0.01, len(t))
    L = (chord + melody + 0.6 * clicks + noise).astype(np.float32)
    R = (0.8 * chord + 0.5 * melody + 0.6 * clicks - noise).astype(np.float32)
    return L, R


def test_the_page_has_one_reference_block_per_family():
    text = PAGE.read_text()
    assert len(reference_code()) == len(FAMILIES)
    positions = [text.index(f"### {family}") for family in FAMILIES]
    assert positions == sorted(positions)


def test_the_pages_code_gives_the_oracles_values():
    L, R = track()
    y = (L + R) / 2
    x = np.stack([L, R], axis=1).astype(np.float64)
    S = librosa.stft(y)
    space = {"np": np, "librosa": librosa, "pyloudnorm": pyloudnorm, "y": y, "L": L, "R": R,
             "x": x, "sr0": SR, "fr": SR / 512, "S": S, "M": np.abs(S)}  # fmt: skip
    for block in reference_code():
        exec(block, space)
    expected = oracle.fingerprint(y, L, R, x, SR)
    for name in oracle.DIMENSIONS:
        assert float(space[name]) == pytest.approx(expected[name], rel=1e-9, abs=1e-12), name
    # The track must not sit on a special case of any dimension, or this would prove less.
    assert 0 < expected["rhythm_stability"] < 1 and 0 < expected["transient_density"] < 1
    assert 0 < expected["silence_ratio"] < 1 or expected["silence_ratio"] == 0
    assert 0 < expected["stereo_width"] < 1 and 0 < expected["phase_correlation"] < 1
