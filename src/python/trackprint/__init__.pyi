"""Type stubs of the trackprint package (the extension trackprint._trackprint and the
exceptions of trackprint._errors). tests/python/test_api.py checks they name exactly the
public API."""

import concurrent.futures
import os
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
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

def analyze(samples: npt.ArrayLike, sr: int, *, threads: int = 1,
            max_duration: float = 21600.0) -> Fingerprint:  # fmt: skip
    """The fingerprint of decoded audio: mono (n,) or channels-first (C, n), float32 or float64
    in [-1, 1] at `sr` Hz. Releases the GIL while it works.

    Raises InvalidInputError (wrong dtype or shape, empty, NaN/Inf, bad rate or threads) or
    TooShortError (under 0.5 s) or TooLongError (over max_duration seconds)."""

def analyze_file(path: str | bytes | os.PathLike[str] | os.PathLike[bytes], *,
                 threads: int = 1, max_duration: float = 21600.0) -> Fingerprint:  # fmt: skip
    """Decodes `path` (any format FFmpeg reads) and returns its fingerprint. Releases the GIL
    while it works. Raises a subclass of Error naming the file and the reason."""

class Trace:
    """The series behind one track's fingerprint, as the analysis computed them (made by
    trace()). Every array is a new numpy array; *_times give each series' time axis in seconds.
    'Frames' are the shared STFT's (2048/512 at 22050 Hz, centred)."""

    @property
    def fingerprint(self) -> Fingerprint:
        """The fingerprint, bit-identical to analyze_file()'s."""
    @property
    def sample_rate(self) -> float:
        """Rate of the analysis signal y (22050.0)."""
    @property
    def hop(self) -> int:
        """Samples between frames (512)."""
    @property
    def duration(self) -> float:
        """Seconds of y."""
    @property
    def frame_times(self) -> npt.NDArray[np.float64]:
        """The time of each frame (its centre), seconds."""
    @property
    def wave_min(self) -> npt.NDArray[np.float32]:
        """The least sample of y in each hop of 512 samples."""
    @property
    def wave_max(self) -> npt.NDArray[np.float32]:
        """The greatest sample of y in each hop."""
    @property
    def momentary_lufs(self) -> npt.NDArray[np.float64]:
        """BS.1770 loudness of the last 400 ms, every 100 ms (floored at -70)."""
    @property
    def short_term_lufs(self) -> npt.NDArray[np.float64]:
        """BS.1770 loudness of the last 3 s, every 100 ms (floored at -70)."""
    @property
    def loudness_times(self) -> npt.NDArray[np.float64]:
        """The end of each loudness reading's 100 ms, seconds."""
    @property
    def rms(self) -> npt.NDArray[np.float32]:
        """RMS of each frame (librosa.feature.rms)."""
    @property
    def spectrogram_db(self) -> npt.NDArray[np.float32]:
        """Mel spectrogram (128, columns) in dB below its loudest cell, floor -80."""
    @property
    def spectrogram_times(self) -> npt.NDArray[np.float64]:
        """The time each spectrogram column starts at."""
    @property
    def mel_bands_hz(self) -> npt.NDArray[np.float64]:
        """The centre of each mel band, Hz."""
    @property
    def centroid_hz(self) -> npt.NDArray[np.float64]:
        """Spectral centroid of each frame, Hz."""
    @property
    def rolloff_hz(self) -> npt.NDArray[np.float64]:
        """85 % spectral rolloff of each frame, Hz."""
    @property
    def flatness(self) -> npt.NDArray[np.float32]:
        """Spectral flatness of each frame, 0-1."""
    @property
    def harmonic_rms(self) -> npt.NDArray[np.float32]:
        """RMS of the HPSS harmonic signal over each hop of 512 samples."""
    @property
    def percussive_rms(self) -> npt.NDArray[np.float32]:
        """RMS of the HPSS percussive signal over each hop."""
    @property
    def onset_envelope(self) -> npt.NDArray[np.float32]:
        """librosa.onset.onset_strength of each frame."""
    @property
    def tempo_bpm(self) -> float:
        """The global tempo estimate (before tempo_bpm's clip to 40-200)."""
    @property
    def beat_times(self) -> npt.NDArray[np.float64]:
        """Beats (librosa.beat.beat_track), seconds."""
    @property
    def onset_times(self) -> npt.NDArray[np.float64]:
        """Onsets (librosa.onset.onset_detect), seconds."""
    @property
    def chroma(self) -> npt.NDArray[np.float32]:
        """CQT chroma (12, n_frames), C first; each frame scaled to a maximum of 1."""
    @property
    def f0_hz(self) -> npt.NDArray[np.float64]:
        """YIN's f0 of each frame (librosa.yin, C2-C7), Hz."""
    @property
    def voiced(self) -> npt.NDArray[np.bool_]:
        """Whether YIN found a trough below its threshold in each frame."""
    @property
    def block_peak(self) -> npt.NDArray[np.float64]:
        """Peak of each 0.5 s block, every 0.25 s (the variation family)."""
    @property
    def block_rms(self) -> npt.NDArray[np.float64]:
        """RMS of each 0.5 s block."""
    @property
    def block_times(self) -> npt.NDArray[np.float64]:
        """The start of each block, seconds."""
    @property
    def sparse_rms(self) -> npt.NDArray[np.float32]:
        """RMS of 2048 samples every 5512 (loudness_variation_std's series)."""

def trace(path: str | bytes | os.PathLike[str] | os.PathLike[bytes], *, threads: int = 1,
          spectrogram_columns: int = 1000) -> Trace:  # fmt: skip
    """Analyses `path` like analyze_file() and returns the series its 25 values come from; its
    .fingerprint is analyze_file()'s, bit for bit. Raises a subclass of Error naming the file."""

def engine_version() -> str:
    """The engine's version, stored beside every fingerprint."""

def numbers_version() -> int:
    """Which exact bits this build computes; stored beside every fingerprint."""

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

class TooLongError(Error):
    """kind 'too_long': longer than max_duration (default 6 hours)."""

class InvalidAudioError(Error, ValueError):
    """kind 'invalid_audio': NaN, infinite or absurdly large samples in the decoded audio."""

class CrashedError(Error):
    """kind 'crashed': (library records only) analysing the file crashed the process twice."""

class CancelledError(Error):
    """kind 'cancelled': the analysis was asked to stop (Ctrl-C raises KeyboardInterrupt)."""

class InvalidInputError(Error, ValueError):
    """kind 'invalid_input': unusable arguments (samples, rate, threads)."""

class InternalError(Error):
    """kind 'internal': a defect in trackprint; please report it."""

def default_library_path() -> str:
    """$XDG_DATA_HOME/trackprint/library.db, or ~/.local/share/trackprint/library.db."""

def json_path(record: dict[str, object], key: str = "path") -> str:
    """The file name record[key] of a record of the CLI's JSON output, as Python spells file
    names (os.fsdecode of its exact bytes, from record[key + "_bytes"] when the name is not
    UTF-8), so that Library.get() and open() find the file."""

class ScanProgress:
    """A snapshot of a running scan, passed to Library.scan()'s progress callable."""

    @property
    def phase(self) -> Literal["walking", "analysing", "finished"]: ...
    @property
    def found(self) -> int:
        """Audio files seen so far."""
    @property
    def total(self) -> int:
        """Files this scan analyses (known once walking ends)."""
    @property
    def done(self) -> int:
        """Of total, written to the store (analysed or failed)."""
    @property
    def failed(self) -> int:
        """Of done, failures."""
    @property
    def elapsed(self) -> float:
        """Seconds since the analysis phase began."""
    @property
    def tracks_per_s(self) -> float: ...
    @property
    def eta(self) -> float | None:
        """Seconds left, estimated; None until a rate is known."""
    @property
    def new_failures(self) -> list[Error]:
        """Failures since the previous call, as Error objects (not raised)."""

class ScanSummary:
    """What a scan did."""

    @property
    def found(self) -> int: ...
    @property
    def unchanged(self) -> int: ...
    @property
    def analysed(self) -> int: ...
    @property
    def from_sidecars(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def missing(self) -> int: ...
    @property
    def cancelled(self) -> bool: ...
    @property
    def seconds(self) -> float: ...
    @property
    def warnings(self) -> list[Error]:
        """Unreadable folders, symlink loops, unwritable sidecars (Error objects, not raised)."""

class Tags:
    """A file's tags, as read when it was scanned; None when absent."""

    @property
    def title(self) -> str | None: ...
    @property
    def artist(self) -> str | None: ...
    @property
    def album(self) -> str | None: ...
    @property
    def album_artist(self) -> str | None: ...
    @property
    def genre(self) -> str | None: ...
    @property
    def track_number(self) -> int | None: ...
    @property
    def date(self) -> str | None: ...
    @property
    def musicbrainz_recording_id(self) -> str | None: ...
    def as_dict(self) -> dict[str, str | int | None]: ...

class Track:
    """One track of a Library: its file, status and fingerprint."""

    @property
    def id(self) -> int: ...
    @property
    def path(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def mtime_ns(self) -> int: ...
    @property
    def status(self) -> Literal["pending", "analysed", "failed", "missing"]: ...
    @property
    def fingerprint(self) -> Fingerprint | None: ...
    @property
    def error(self) -> Error | None:
        """For a failed track, its Error (not raised)."""
    @property
    def engine_version(self) -> str: ...
    @property
    def numbers_version(self) -> int: ...
    @property
    def analysed_at(self) -> str:
        """UTC, ISO 8601."""
    @property
    def analysis_seconds(self) -> float: ...
    @property
    def outdated(self) -> bool: ...
    @property
    def tags(self) -> Tags: ...

class Similar:
    """A track and its distance: from the seed (similar) or from the entry before (playlist)."""

    @property
    def track(self) -> Track: ...
    @property
    def distance(self) -> float: ...
    @property
    def path(self) -> str: ...

class DuplicateGroup:
    """Files that are the same recording (another encoding, rate or copy)."""

    @property
    def tracks(self) -> list[Track]: ...
    @property
    def distance(self) -> float:
        """The largest recording distance within the group (1 is the limit)."""

class LibraryStatus:
    """Counts of a Library's tracks by status."""

    @property
    def path(self) -> str: ...
    @property
    def schema_version(self) -> int: ...
    @property
    def tracks(self) -> int: ...
    @property
    def analysed(self) -> int: ...
    @property
    def pending(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def missing(self) -> int: ...
    @property
    def outdated(self) -> int: ...
    @property
    def failed_by_kind(self) -> dict[str, int]: ...
    @property
    def failures(self) -> list[Track]: ...
    @property
    def in_flight(self) -> list[str]: ...

class MergeSummary:
    """What Library.merge() did with the rows it was given."""

    @property
    def added(self) -> int: ...
    @property
    def replaced(self) -> int: ...
    @property
    def unchanged(self) -> int: ...
    @property
    def kept(self) -> int: ...

_Path = str | bytes | os.PathLike[str] | os.PathLike[bytes]

class Library:
    """A music collection's fingerprints, kept in one SQLite file."""

    def __init__(self, db_path: _Path | None = None, *, read_only: bool = False) -> None:
        """Opens (or creates, unless read_only) the store at db_path (default:
        default_library_path()). A file that is not a trackprint store raises an Error."""
    @property
    def path(self) -> str: ...
    def scan(self, paths: _Path | Iterable[_Path], *, jobs: int = 0, retry_failed: bool = False,
             prune: bool = False, sidecars: bool = False, max_duration: float = 21600.0,
             progress: Callable[[ScanProgress], bool | None] | None = None) -> ScanSummary:  # fmt: skip
        """Fingerprints what is new or changed under `paths`, `jobs` files at once (0: one per
        core). progress is called on this thread ~10 times a second; False or an exception
        cancels (the exception is re-raised). Releases the GIL while it works."""
    def status(self) -> LibraryStatus: ...
    def get(self, path_or_id: _Path | int) -> Track | None: ...
    def tracks(self) -> list[Track]:
        """Every analysed track, ordered by path."""
    def fingerprints(self) -> tuple[list[str], npt.NDArray[np.float64]]:
        """(paths, values): values[i] is the (25,) fingerprint of paths[i], in spec order."""
    def similar(self, path_or_id: _Path | int, n: int = 10, *, metric: str = "auralis") -> list[Similar]:
        """The n nearest tracks (never the track itself), nearest first; exact, ties to the
        lower id. Metrics: auralis, equal, auralis-zscore, equal-zscore."""
    def playlist(self, seeds: _Path | int | Iterable[_Path | int], n: int = 30,
                 to: _Path | int | Iterable[_Path | int] | None = None, *,
                 max_per_artist: int = 0, max_per_album: int = 0, min_distance: float = 0.0,
                 metric: str = "auralis") -> list[Similar]:  # fmt: skip
        """n entries, the first seed first: the tracks nearest the seeds in an order that
        flows, or with `to` a sonic path ending at the (last) target. Each Similar's distance is
        the step from the entry before."""
    def duplicates(self) -> list[DuplicateGroup]: ...
    def merge(self, columns: Mapping[str, list[object]]) -> MergeSummary:
        """Writes rows made elsewhere (a trackprint Parquet dataset's columns, each a list)
        into the store, each as a scan writes its own; one transaction."""

def find_audio_files(paths: _Path | Iterable[_Path]) -> tuple[list[tuple[str, int, int]], list[Error]]:
    """The audio files under `paths` as Library.scan() finds them: ([(path, size, mtime_ns)],
    [Error] for unreadable folders and symlink loops)."""

class QueueResult:
    """One file done by a Queue: stored (committed), then handed over."""

    @property
    def path(self) -> str: ...
    @property
    def fingerprint(self) -> Fingerprint | None: ...
    @property
    def error(self) -> Error | None:
        """The failure (not raised), or None."""
    @property
    def from_store(self) -> bool:
        """Answered from the store without analysis (same size, mtime and versions)."""
    @property
    def analysis_seconds(self) -> float: ...
    @property
    def priority(self) -> int: ...

class QueueStatus:
    """A Queue's counts."""

    @property
    def pending(self) -> int: ...
    @property
    def running(self) -> int: ...
    @property
    def done(self) -> int:
        """Results handed over: analysed, failed or answered from the store."""
    @property
    def failed(self) -> int: ...
    @property
    def tracks_per_s(self) -> float:
        """done / the seconds the queue had work (paused time not counted)."""
    @property
    def paused(self) -> bool: ...
    @property
    def closed(self) -> bool: ...
    @property
    def store_error(self) -> Error | None: ...

class Queue:
    """Background fingerprinting into a store: by priority, `workers` at a time; each result
    goes to `callback` (on the queue's thread) or to one reader (iterator or results())."""

    def __init__(self, db_path: _Path | None = None, workers: int = 0, *,
                 callback: Callable[[QueueResult], object] | None = None,
                 retry_failed: bool = False, sidecars: bool = False,
                 max_duration: float = 21600.0) -> None: ...  # fmt: skip
    @property
    def path(self) -> str: ...
    def submit(self, path: _Path, priority: int = 0) -> bool: ...
    def submit_many(self, paths: Iterable[_Path], priority: int = 0) -> int: ...
    def cancel(self, path: _Path) -> bool: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def status(self) -> QueueStatus: ...
    def close(self, wait: bool = True) -> list[str]:
        """Returns once every file started is stored and handed over; wait=False drops the
        pending files and returns them."""
    async def aclose(self, wait: bool = True) -> list[str]: ...
    def __iter__(self) -> Iterator[QueueResult]: ...
    def results(self) -> AsyncIterator[QueueResult]: ...
    def __enter__(self) -> Queue: ...
    def __exit__(self, *exc: object) -> None: ...
    async def __aenter__(self) -> Queue: ...
    async def __aexit__(self, *exc: object) -> None: ...

async def analyze_file_async(path: _Path, *, threads: int = 1,
                             executor: concurrent.futures.Executor | None = None) -> Fingerprint:  # fmt: skip
    """analyze_file() on `executor` (None: the running loop's default), awaited."""
