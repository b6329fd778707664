"""trackprint: the 25-number fingerprint of a music track, as librosa 0.11 would compute it.

    import trackprint
    fp = trackprint.analyze_file("song.flac")          # or trackprint.analyze(samples, sr)
    fp.as_dict()["tempo_bpm"], fp.as_array()           # by name, or a (25,) float64 array
    [d.name for d in trackprint.DIMENSIONS]            # the spec's names, in spec order

Both analyse functions release the GIL while they decode and compute, so a thread pool of N
workers analyses N tracks at once. Failures raise a subclass of trackprint.Error.
For an app: trackprint.Queue (background fingerprinting by priority, results by callback,
iterator or asyncio) and `await trackprint.analyze_file_async(path)`.
"""

from ._errors import (
    DecodeError,
    Error,
    FileReadError,
    InternalError,
    InvalidInputError,
    NoAudioError,
    NotAudioError,
    TooShortError,
    UnsupportedError,
)
from ._async import analyze_file_async
from ._queue import Queue
from ._trackprint import (
    DIMENSIONS,
    FINGERPRINT_VERSION,
    Dimension,
    Fingerprint,
    Library,
    LibraryStatus,
    QueueResult,
    QueueStatus,
    ScanProgress,
    ScanSummary,
    Track,
    analyze,
    analyze_file,
    default_library_path,
    engine_version,
)

__version__ = engine_version()

__all__ = [
    "DIMENSIONS",
    "FINGERPRINT_VERSION",
    "DecodeError",
    "Dimension",
    "Error",
    "FileReadError",
    "Fingerprint",
    "InternalError",
    "InvalidInputError",
    "Library",
    "LibraryStatus",
    "NoAudioError",
    "NotAudioError",
    "Queue",
    "QueueResult",
    "QueueStatus",
    "ScanProgress",
    "ScanSummary",
    "TooShortError",
    "Track",
    "UnsupportedError",
    "analyze",
    "analyze_file",
    "analyze_file_async",
    "default_library_path",
    "engine_version",
]
