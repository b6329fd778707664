"""A tiny WAV writer for crafted test files: any header values (a 16 Hz rate, 65 channels, a
declared length the data does not have) with generated samples. Files are made when a test
runs, never committed. Standard library only.
"""
import math
import struct

PCM = 1
FLOAT = 3


def header(rate, channels, bits, fmt, data_bytes):
    """The 44-byte header of a canonical WAV: RIFF, a 16-byte fmt chunk, a data chunk."""
    block = channels * bits // 8
    return (b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVE"
            + b"fmt " + struct.pack("<IHHIIHH", 16, fmt, channels, rate, rate * block, block, bits)
            + b"data" + struct.pack("<I", data_bytes))


def write(path, rate, channels, frames, bits=16, fmt=PCM, sample=None):
    """A WAV of `frames` frames: a 440 Hz-ish sine at a quarter of full scale, or `sample` (a
    float, for fmt=FLOAT) in every slot. Returns the path."""
    nbytes = frames * channels * bits // 8
    with open(path, "wb") as f:
        f.write(header(rate, channels, bits, fmt, nbytes))
        chunk = 1 << 16  # frames per write: a 16 MB file is made in well under a second
        for start in range(0, frames, chunk):
            n = min(chunk, frames - start)
            if fmt == FLOAT:
                value = 0.25 if sample is None else sample
                f.write(struct.pack("<f", value) * (n * channels))
            elif bits == 16:
                period = [int(8000 * math.sin(2 * math.pi * i / 50)) for i in range(50)]
                frame = [period[(start + i) % 50] for i in range(n) for _ in range(channels)]
                f.write(struct.pack(f"<{len(frame)}h", *frame))
            else:
                f.write(bytes(n * channels * bits // 8))
    return path
