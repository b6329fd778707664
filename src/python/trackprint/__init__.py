"""trackprint: the 25-number fingerprint of a music track, as librosa 0.11 would compute it.

    import trackprint
    fp = trackprint.analyze_file("song.flac")          # or trackprint.analyze(samples, sr)
    fp.as_dict()["tempo_bpm"], fp.as_array()           # by name, or a (25,) float64 array
    [d.name for d in trackprint.DIMENSIONS]            # the spec's names, in spec order
    t = trackprint.trace("song.flac")                  # the series behind them (numpy arrays)

Both analyse functions release the GIL while they decode and compute, so a thread pool of N
workers analyses N tracks at once. Failures raise a subclass of trackprint.Error.
For an app: trackprint.Queue (background fingerprinting by priority, results by callback,
iterator or asyncio) and `await trackprint.analyze_file_async(path)`.
"""

from ._errors import (
    CancelledError,
    CrashedError,
    DecodeError,
    Error,
    FileReadError,
    InternalError,
    InvalidAudioError,
    InvalidInputError,
    NoAudioError,
    NotAudioError,
    TooLongError,
    TooShortError,
    UnsupportedError,
)
from ._async import analyze_file_async
from ._queue import Queue
from ._json_path import json_path
from ._trackprint import (
    DIMENSIONS,
    FINGERPRINT_VERSION,
    Dimension,
    DuplicateGroup,
    Fingerprint,
    Library,
    LibraryStatus,
    QueueResult,
    QueueStatus,
    MergeSummary,
    ScanProgress,
    ScanSummary,
    Similar,
    Tags,
    Trace,
    Track,
    analyze,
    analyze_file,
    default_library_path,
    engine_version,
    numbers_version,
    find_audio_files,
    trace,
)

__version__ = engine_version()

__all__ = [
    "DIMENSIONS",
    "FINGERPRINT_VERSION",
    "CancelledError",
    "CrashedError",
    "DecodeError",
    "Dimension",
    "DuplicateGroup",
    "Error",
    "FileReadError",
    "Fingerprint",
    "InternalError",
    "InvalidAudioError",
    "InvalidInputError",
    "Library",
    "LibraryStatus",
    "MergeSummary",
    "NoAudioError",
    "NotAudioError",
    "Queue",
    "QueueResult",
    "QueueStatus",
    "ScanProgress",
    "ScanSummary",
    "Similar",
    "Tags",
    "TooLongError",
    "TooShortError",
    "Trace",
    "Track",
    "UnsupportedError",
    "analyze",
    "analyze_file",
    "analyze_file_async",
    "default_library_path",
    "engine_version",
    "numbers_version",
    "find_audio_files",
    "json_path",
    "trace",
]
