"""trackprint: the 25-number fingerprint of a music track, as librosa 0.11 would compute it.

    import trackprint
    fp = trackprint.analyze_file("song.flac")          # or trackprint.analyze(samples, sr)
    fp.as_dict()["tempo_bpm"], fp.as_array()           # by name, or a (25,) float64 array
    [d.name for d in trackprint.DIMENSIONS]            # the spec's names, in spec order

Both analyse functions release the GIL while they decode and compute, so a thread pool of N
workers analyses N tracks at once. Failures raise a subclass of trackprint.Error.
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
from ._trackprint import (
    DIMENSIONS,
    FINGERPRINT_VERSION,
    Dimension,
    DuplicateGroup,
    Fingerprint,
    Library,
    LibraryStatus,
    ScanProgress,
    ScanSummary,
    Similar,
    Tags,
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
    "DuplicateGroup",
    "Error",
    "FileReadError",
    "Fingerprint",
    "InternalError",
    "InvalidInputError",
    "Library",
    "LibraryStatus",
    "NoAudioError",
    "NotAudioError",
    "ScanProgress",
    "ScanSummary",
    "Similar",
    "Tags",
    "TooShortError",
    "Track",
    "UnsupportedError",
    "analyze",
    "analyze_file",
    "default_library_path",
    "engine_version",
]
