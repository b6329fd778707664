"""The exceptions trackprint raises: one class per kind of failure (the engine's ErrorKind)."""


class Error(Exception):
    """A track that cannot be fingerprinted. Never raised itself: one of its subclasses is.

    Attributes:
        kind: the failure's kind, as the CLI and the C++ API spell it ("decode", "too_short", ...)
        path: the file as the caller named it, or None when the input was samples
        reason: what went wrong, for a person to read
    str(error) is "path: reason" (or just the reason), the line the CLI prints.
    """

    kind = ""

    def __init__(self, reason, path=None):
        self.reason = reason
        self.path = path
        super().__init__(f"{path}: {reason}" if path is not None else reason)

    def __reduce__(self):  # pickles (e.g. back from a process pool) with reason and path intact
        return type(self), (self.reason, self.path)


class FileReadError(Error, OSError):
    """The file cannot be opened or read (missing, unreadable, a directory). Also an OSError."""

    kind = "io"


class NotAudioError(Error):
    """Not a format FFmpeg recognises, or an empty file."""

    kind = "not_audio"


class NoAudioError(Error):
    """A media container without an audio stream."""

    kind = "no_audio"


class DecodeError(Error):
    """The audio stream cannot be decoded (corrupt, or truncated before any audio)."""

    kind = "decode"


class UnsupportedError(Error):
    """A codec or channel layout this build cannot handle."""

    kind = "unsupported"


class TooShortError(Error):
    """Under 0.5 s of audio (spec §1.4): too little to fingerprint."""

    kind = "too_short"


class TooLongError(Error):
    """Longer than the duration limit (6 hours unless max_duration says otherwise), declared by
    the file or found while decoding it."""

    kind = "too_long"


class InvalidAudioError(Error, ValueError):
    """The decoded audio is unusable: NaN or infinite samples, or samples so far beyond full
    scale that they are not audio. Also a ValueError."""

    kind = "invalid_audio"


class CrashedError(Error):
    """Recorded by a library scan (never raised by analysis): analysing this file crashed the
    process twice. Please report it with the file."""

    kind = "crashed"


class CancelledError(Error):
    """The analysis was asked to stop (the engine's cancel). Ctrl-C during analyze_file() or
    analyze() raises KeyboardInterrupt instead, as Python code expects."""

    kind = "cancelled"


class InvalidInputError(Error, ValueError):
    """Arguments that are unusable: samples of the wrong dtype or shape, empty, holding NaN or
    infinity, a sample rate out of range, threads < 1. Also a ValueError."""

    kind = "invalid_input"


class InternalError(Error):
    """A defect in trackprint itself; please report it with the file."""

    kind = "internal"


ERRORS = (
    FileReadError,
    NotAudioError,
    NoAudioError,
    DecodeError,
    UnsupportedError,
    TooShortError,
    TooLongError,
    InvalidAudioError,
    InvalidInputError,
    CrashedError,
    CancelledError,
    InternalError,
)
_BY_KIND = {cls.kind: cls for cls in ERRORS}


def error_class(kind):
    """The class the engine's failure `kind` raises (the extension calls this)."""
    return _BY_KIND.get(kind, InternalError)

# Shown and pickled as trackprint.DecodeError etc., the names users import.
for _cls in (Error, *ERRORS):
    _cls.__module__ = "trackprint"
del _cls
