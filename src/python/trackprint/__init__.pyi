"""Type stubs of the trackprint package (the extension trackprint._trackprint and the
exceptions of trackprint._errors). tests/python/test_api.py checks they name exactly the
public API."""

import os
from typing import ClassVar, Literal

import numpy as np
import numpy.typing as npt

__version__: str
FINGERPRINT_VERSION: int
DIMENSIONS: tuple[Dimension, ...]

class Dimension:
    """One of the 25 dimensions of the fingerprint (spec §2): read-only."""

    @property
    def name(self) -> str:
        """The spec's name, e.g. 'lufs'."""
    @property
    def family(self) -> str:
        """frequency, dynamics, temporal, spectral, harmonic, variation or stereo."""
    @property
    def unit(self) -> str:
        """The unit, e.g. 'dB', 'BPM', 'fraction', '0-1'."""
    @property
    def min(self) -> float:
        """The least value the spec allows (-inf where it sets no bound)."""
    @property
    def max(self) -> float:
        """The greatest value the spec allows (inf where it sets no bound)."""
    @property
    def tolerance(self) -> float:
        """How far from the librosa oracle a value may be (see tolerance_kind)."""
    @property
    def tolerance_kind(self) -> Literal["absolute", "one_frame"]:
        """'absolute': |engine - oracle| <= tolerance; 'one_frame': one RMS frame of the track."""
    @property
    def decision_based(self) -> bool:
        """True where a picked peak or placed beat may flip the value on a borderline track."""

class Fingerprint:
    """The 25-number fingerprint of one track (spec §3). Made by analyze() and analyze_file()."""

    def as_dict(self) -> dict[str, float]:
        """The 25 values by the spec's names, in spec order (a new dict each call)."""
    def as_array(self) -> npt.NDArray[np.float64]:
        """The 25 values as a new float64 array of shape (25,), in spec order."""
    def __getitem__(self, name: str) -> float:
        """The value of the dimension called `name`; KeyError if there is none."""
    @property
    def duration(self) -> float:
        """Seconds of audio, at the input's own rate."""
    @property
    def sample_rate(self) -> int:
        """The input's own sample rate in Hz (before resampling to 22050 Hz)."""
    @property
    def channels(self) -> int:
        """The input's channel count."""
    @property
    def codec(self) -> str | None:
        """FFmpeg's short codec name ('flac', 'mp3', ...); None for analyze()'s samples."""
    @property
    def version(self) -> int:
        """The fingerprint definition's version (FINGERPRINT_VERSION when it was made)."""

def analyze(samples: npt.ArrayLike, sr: int, *, threads: int = 1) -> Fingerprint:
    """The fingerprint of decoded audio: mono (n,) or channels-first (C, n), float32 or float64
    in [-1, 1] at `sr` Hz. Releases the GIL while it works.

    Raises InvalidInputError (wrong dtype or shape, empty, NaN/Inf, bad rate or threads) or
    TooShortError (under 0.5 s)."""

def analyze_file(path: str | bytes | os.PathLike[str] | os.PathLike[bytes], *,
                 threads: int = 1) -> Fingerprint:  # fmt: skip
    """Decodes `path` (any format FFmpeg reads) and returns its fingerprint. Releases the GIL
    while it works. Raises a subclass of Error naming the file and the reason."""

def engine_version() -> str:
    """The engine's version, stored beside every fingerprint."""

class Error(Exception):
    """A track that cannot be fingerprinted; one of the subclasses below is raised."""

    kind: ClassVar[str]
    path: str | None
    reason: str
    def __init__(self, reason: str, path: str | None = None) -> None: ...

class FileReadError(Error, OSError):
    """kind 'io': the file cannot be opened or read."""

class NotAudioError(Error):
    """kind 'not_audio': not a format FFmpeg recognises, or an empty file."""

class NoAudioError(Error):
    """kind 'no_audio': a container without an audio stream."""

class DecodeError(Error):
    """kind 'decode': the audio stream cannot be decoded (corrupt, truncated)."""

class UnsupportedError(Error):
    """kind 'unsupported': a codec or layout this build cannot handle."""

class TooShortError(Error):
    """kind 'too_short': under 0.5 s of audio."""

class InvalidInputError(Error, ValueError):
    """kind 'invalid_input': unusable arguments (samples, rate, threads)."""

class InternalError(Error):
    """kind 'internal': a defect in trackprint; please report it."""
