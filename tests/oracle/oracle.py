#!/usr/bin/env python3
"""The trackprint fingerprint oracle: the reference expressions of docs/fingerprint-v1.md,
executed with librosa 0.11.0 (pinned in requirements.txt).

    oracle.py [--jobs N] [--no-cache] [--dump-intermediates DIR] FILE...

prints one JSON object per file (JSON Lines, with a `path` key). A file that cannot be
fingerprinted prints `PATH: reason` on stderr and the exit status is 1.

Results are cached under ${TRACKPRINT_CACHE:-~/.cache/trackprint}/oracle/, keyed by the
sha256 of the file and of this source (plus the versions of the numeric packages).

As a module: `fingerprint(y, L, R, x_native, sr0)` computes the 25 values from arrays.
"""

import os

# One core per oracle process: parallelism comes from --jobs, and the machine is shared.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
# numba compiles for the host CPU by default, and the LLVM inside llvmlite 0.50 emits code for
# some new ones (seen: znver5, AMD Zen 5) that crashes in librosa's beat tracker. A generic
# x86-64 target gives the same numbers on every machine the oracle runs on.
os.environ.setdefault("NUMBA_CPU_NAME", "generic")

import argparse
import ast
import functools
import hashlib
import importlib.metadata
import json
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import librosa
import numpy as np
import pyloudnorm
import soundfile

SR = 22050  # analysis rate (spec §1.3)
HOP = 512  # librosa's default hop; frames per second below
FR = SR / HOP
MIN_SECONDS = 0.5  # spec §1.4: shorter analysis signals are rejected

DIMENSIONS = (
    "sub_bass_pct", "bass_pct", "low_mid_pct", "mid_pct", "upper_mid_pct", "presence_pct",
    "air_pct", "lufs", "crest_db", "bass_mid_ratio", "tempo_bpm", "rhythm_stability",
    "transient_density", "silence_ratio", "spectral_centroid", "spectral_rolloff",
    "spectral_flatness", "harmonic_ratio", "pitch_stability", "chroma_energy",
    "dynamic_range_variation", "loudness_variation_std", "peak_consistency", "stereo_width",
    "phase_correlation",
)  # fmt: skip

# Frequency bands in Hz, [lo, hi), in the order of the first 7 dimensions.
BANDS = {
    "sub_bass_pct": (20, 60),
    "bass_pct": (60, 250),
    "low_mid_pct": (250, 500),
    "mid_pct": (500, 2000),
    "upper_mid_pct": (2000, 4000),
    "presence_pct": (4000, 6000),
    "air_pct": (6000, 20000),
}

BLOCK = 11025  # variation blocks: 0.5 s ...
BLOCK_HOP = 5512  # ... every 0.25 s


class NotAFingerprint(Exception):
    """The input cannot be fingerprinted (spec §4); the message says why."""


# ---------------------------------------------------------------- input (spec §1)


def load_signals(path):
    """(y, L, R, x_native, sr0) for a file: the analysis signals at 22050 Hz and the decoded
    samples at the file's own rate, as spec §1 defines them."""
    try:
        x_native, sr0 = soundfile.read(path, dtype="float64", always_2d=True)
    except Exception as exc:  # soundfile's errors name the file but not always the cause
        raise NotAFingerprint(f"cannot decode: {exc}") from exc
    if x_native.shape[0] == 0:
        raise NotAFingerprint("no audio samples")
    y = librosa.load(path, sr=SR, mono=True, res_type="soxr_hq")[0]
    L = R = None
    if x_native.shape[1] >= 2:
        channels = librosa.load(path, sr=SR, mono=False, res_type="soxr_hq")[0]
        L, R = channels[0], channels[1]
    return y, L, R, x_native, sr0


def is_silent(y):
    return not np.any(y)


# ---------------------------------------------------------------- frequency (7)


def frequency(y, keep):
    """Band energy fractions of the Welch power spectrum (8192-sample frames, hop 2048)."""
    P = np.mean(np.abs(librosa.stft(y, n_fft=8192, hop_length=2048, center=False)) ** 2, axis=1)
    f = librosa.fft_frequencies(sr=SR, n_fft=8192)
    E = np.array([np.sum(P[(lo <= f) & (f < hi)]) for lo, hi in BANDS.values()])
    keep.update(welch_power=P, band_energy=E)
    total = np.sum(E)
    fractions = E / total if total > 0 else np.zeros_like(E)
    return dict(zip(BANDS, fractions))


# ---------------------------------------------------------------- dynamics (3)


def lufs(x_native, sr0):
    """BS.1770-4 integrated loudness of the decoded signal at its own rate."""
    x = x_native
    if x.shape[1] == 6:
        # FFmpeg's 5.1 order is FL FR FC LFE BL BR; BS.1770 excludes the LFE, and pyloudnorm
        # weights channels by position as L R C Ls Rs.
        x = np.delete(x, 3, axis=1)
    if x.shape[1] > 5:
        raise NotAFingerprint(f"{x.shape[1]} channels: the oracle's loudness meter takes 6 at most")
    loudness = pyloudnorm.Meter(sr0).integrated_loudness(x)
    # No block above the absolute gate gives -inf; the spec reads that as -70.
    return loudness if np.isfinite(loudness) else -70.0


def crest_db(y):
    peak = np.max(np.abs(y))
    rms = np.sqrt(np.mean(y**2))
    if peak == 0 or rms == 0:
        return 0.0
    return 20 * np.log10(peak / rms)


def bass_mid_ratio(band_energy):
    E = dict(zip(BANDS, band_energy))
    bass = E["bass_pct"]
    mids = E["low_mid_pct"] + E["mid_pct"]
    if bass == 0 or mids == 0:
        return 0.0
    return 10 * np.log10(bass / mids)


def dynamics(y, x_native, sr0, keep):
    return {
        "lufs": lufs(x_native, sr0),
        "crest_db": crest_db(y),
        "bass_mid_ratio": bass_mid_ratio(keep["band_energy"]),
    }


# ---------------------------------------------------------------- temporal (4)


def rhythm_stability(beats):
    if len(beats) < 3:
        return 0.0
    d = np.diff(beats) / FR
    cv = np.std(d) / np.mean(d)
    return np.clip(1 / (1 + cv), 0, 1)


def silence_ratio(y, keep):
    r = librosa.feature.rms(y=y)[0]
    keep["rms"] = r
    if is_silent(y):
        return 1.0
    db = librosa.amplitude_to_db(r, ref=np.max(r))
    return np.mean(db < -40)


def temporal(y, keep):
    onset = librosa.onset.onset_strength(y=y, sr=SR)
    tempo = librosa.feature.tempo(onset_envelope=onset, sr=SR)[0]
    _, beats = librosa.beat.beat_track(onset_envelope=onset, sr=SR)
    onsets = librosa.onset.onset_detect(onset_envelope=onset, sr=SR)
    keep.update(onset_envelope=onset, tempo=tempo, beat_frames=beats, onset_frames=onsets)
    return {
        "tempo_bpm": np.clip(tempo, 40, 200),
        "rhythm_stability": rhythm_stability(beats),
        "transient_density": np.clip(len(onsets) / (len(y) / SR) / 10, 0, 1),
        "silence_ratio": silence_ratio(y, keep),
    }


# ---------------------------------------------------------------- spectral (3)


def spectral(M, keep):
    """Medians over frames of the 2048/512 magnitude STFT `M`."""
    centroid = librosa.feature.spectral_centroid(S=M, sr=SR)[0]
    rolloff = librosa.feature.spectral_rolloff(S=M, sr=SR, roll_percent=0.85)[0]
    flatness = librosa.feature.spectral_flatness(S=M)[0]
    keep.update(centroid=centroid, rolloff=rolloff, flatness=flatness)
    return {
        "spectral_centroid": np.clip(np.median(centroid) / 8000, 0, 1),
        "spectral_rolloff": np.clip(np.median(rolloff) / 10000, 0, 1),
        "spectral_flatness": np.clip(np.median(flatness), 0, 1),
    }


# ---------------------------------------------------------------- harmonic (3)


def harmonic_ratio(y, keep):
    h, p = librosa.effects.hpss(y)
    rh = np.sqrt(np.mean(h**2))
    rp = np.sqrt(np.mean(p**2))
    keep.update(hpss_rh=rh, hpss_rp=rp)
    if rh + rp == 0:
        return 0.5
    return rh / (rh + rp)


def pitch_stability(y, keep):
    f0 = librosa.yin(y, fmin=librosa.note_to_hz("C2"), fmax=librosa.note_to_hz("C7"), sr=SR)
    keep["f0"] = f0
    f0 = f0[f0 > 0]
    if len(f0) < 10:
        return 0.5
    cv = np.std(f0) / np.mean(f0)
    return np.clip(1 / (1 + 10 * cv), 0, 1)


def chroma_energy(y, keep):
    # chroma_cqt would estimate this same tuning inside its CQT; computed here to expose it.
    tuning = librosa.estimate_tuning(y=y, sr=SR, bins_per_octave=36)
    c = librosa.feature.chroma_cqt(y=y, sr=SR, tuning=tuning)
    keep.update(tuning=tuning, chroma=c)
    return np.clip(np.mean(c) / 0.4, 0, 1)


def harmonic(y, keep):
    return {
        "harmonic_ratio": harmonic_ratio(y, keep),
        "pitch_stability": pitch_stability(y, keep),
        "chroma_energy": chroma_energy(y, keep),
    }


# ---------------------------------------------------------------- variation (3)


def blocks(y):
    """Blocks of 0.5 s every 0.25 s from sample 0; the last one starts before len(y)."""
    return [y[start : start + BLOCK] for start in range(0, len(y), BLOCK_HOP)]


def dynamic_range_variation(peaks, rms):
    measurable = (peaks > 1e-10) & (rms > 1e-10)
    if np.count_nonzero(measurable) < 2:
        return 0.5
    crest = 20 * np.log10(peaks[measurable] / rms[measurable])
    return np.clip(np.std(crest) / 6, 0, 1)


def loudness_variation_std(y, keep):
    r = librosa.feature.rms(y=y, frame_length=2048, hop_length=5512)[0]
    keep["rms_hop5512"] = r
    if is_silent(y):
        return 0.0
    return np.clip(np.std(librosa.amplitude_to_db(r, ref=np.max(r))), 0, 10)


def peak_consistency(peaks):
    if len(peaks) < 2 or np.mean(peaks) == 0:
        return 0.5
    return np.clip(1 / (1 + np.std(peaks) / np.mean(peaks)), 0, 1)


def variation(y, keep):
    parts = blocks(y)
    peaks = np.array([np.max(np.abs(b)) for b in parts])
    rms = np.array([np.sqrt(np.mean(b**2)) for b in parts])
    keep.update(block_peak=peaks, block_rms=rms)
    return {
        "dynamic_range_variation": dynamic_range_variation(peaks, rms),
        "loudness_variation_std": loudness_variation_std(y, keep),
        "peak_consistency": peak_consistency(peaks),
    }


# ---------------------------------------------------------------- stereo (2)


def stereo_width(L, R):
    m = (L + R) / 2
    s = (L - R) / 2
    side = np.sum(s**2)
    total = np.sum(m**2) + side
    return side / total if total > 0 else 0.0


def phase_correlation(L, R):
    # "Constant" by max == min: a float32 mean of a constant channel need not equal it.
    if np.ptp(L) == 0 or np.ptp(R) == 0:
        return 1.0
    Lc = L - np.mean(L)
    Rc = R - np.mean(R)
    return np.clip(np.sum(Lc * Rc) / np.sqrt(np.sum(Lc**2) * np.sum(Rc**2)), -1, 1)


def stereo(L, R):
    if L is None:
        return {"stereo_width": 0.0, "phase_correlation": 1.0}
    return {"stereo_width": stereo_width(L, R), "phase_correlation": phase_correlation(L, R)}


# ---------------------------------------------------------------- the fingerprint


def fingerprint(y, L, R, x_native, sr0, intermediates=None):
    """The 25 values (spec order) for analysis signals y (mono), L, R (None for a mono file)
    at 22050 Hz, and the decoded samples x_native (samples x channels) at rate sr0.
    `intermediates`, if a dict, receives the series behind the values."""
    if len(y) < MIN_SECONDS * SR:
        raise NotAFingerprint(f"shorter than {MIN_SECONDS} s ({len(y) / SR:.3f} s)")
    keep = intermediates if intermediates is not None else {}
    keep["y_len"] = len(y)
    values = frequency(y, keep)
    values |= dynamics(y, x_native, sr0, keep)
    values |= temporal(y, keep)
    values |= spectral(np.abs(librosa.stft(y)), keep)
    values |= harmonic(y, keep)
    values |= variation(y, keep)
    values |= stereo(L, R)
    values = {name: float(values[name]) for name in DIMENSIONS}
    bad = [name for name, v in values.items() if not np.isfinite(v)]
    if bad:  # the spec promises finite values; an oracle that breaks it must say so loudly
        raise AssertionError(f"non-finite oracle values: {bad}")
    return values


def fingerprint_file(path, intermediates=None):
    """The oracle's record for a file: the 25 values, the file's duration, rate, channels,
    and y_len, the length of the analysis signal (the silence_ratio tolerance needs it)."""
    y, L, R, x_native, sr0 = load_signals(path)
    record = fingerprint(y, L, R, x_native, sr0, intermediates)
    record.update(
        duration_s=x_native.shape[0] / sr0,
        sample_rate=sr0,
        channels=x_native.shape[1],
        y_len=len(y),
    )
    return record


# ---------------------------------------------------------------- cache


def cache_root():
    base = os.environ.get("TRACKPRINT_CACHE") or Path.home() / ".cache" / "trackprint"
    return Path(base) / "oracle"


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def code_without_docs():
    """This file's syntax tree without docstrings, as text: what its results depend on.
    Comments and docstrings are not in it, so editing them keeps the cache."""
    tree = ast.parse(Path(__file__).read_text())
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                if isinstance(body[0].value.value, str):
                    node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree)


@functools.cache
def oracle_key():
    """sha256 of this file's code (code_without_docs) and of the versions of Python and of the
    packages its numbers depend on."""
    digest = hashlib.sha256(code_without_docs().encode())
    digest.update(sys.version.encode())  # ast.dump's text differs between Python versions
    packages = ["librosa", "numpy", "scipy", "soxr", "pyloudnorm", "soundfile", "numba"]
    versions = [importlib.metadata.version(name) for name in packages]
    digest.update(" ".join(versions + [soundfile.__libsndfile_version__]).encode())
    return digest.hexdigest()


def cache_path(path):
    return cache_root() / oracle_key()[:16] / f"{sha256_file(path)}.json"


def cached_record(path):
    try:
        return json.loads(cache_path(path).read_text())
    except FileNotFoundError:
        return None


def store(path, record):
    target = cache_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(record))
    tmp.replace(target)  # atomic, so parallel runs never read half a file


def compute(path, use_cache):
    """Worker: ("ok", record) or ("error", reason); the record is cached if use_cache."""
    try:
        record = fingerprint_file(path)
    except NotAFingerprint as exc:
        return "error", str(exc)
    except Exception as exc:  # an oracle bug on one file must not hide the other results
        return "error", f"oracle failed: {exc!r}"
    if use_cache:
        store(path, record)
    return "ok", record


# ---------------------------------------------------------------- command line


def dump_intermediates(path, directory):
    keep = {}
    record = fingerprint_file(path, keep)
    directory.mkdir(parents=True, exist_ok=True)
    np.savez(directory / f"{Path(path).stem}.npz", **keep)
    return record


def results(paths, jobs, use_cache):
    """Yields (path, status, record-or-reason) in input order, computing what is not cached
    in `jobs` processes."""
    known = {p: cached_record(p) for p in paths} if use_cache else {}
    missing = [p for p in paths if known.get(p) is None]
    # spawn, not fork: a fresh interpreter per worker, no inherited numba/BLAS state
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context) as pool:
        futures = {p: pool.submit(compute, p, use_cache) for p in missing}
        for p in paths:
            if p in futures:
                yield (p, *futures[p].result())
            else:
                yield p, "ok", known[p]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--jobs", type=int, default=1, help="parallel oracle processes")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    parser.add_argument("--dump-intermediates", type=Path, metavar="DIR",
                        help="also write DIR/<name>.npz with the series behind each value")  # fmt: skip
    args = parser.parse_args(argv)

    failed = False
    if args.dump_intermediates:
        outcomes = []
        for p in args.files:
            try:
                outcomes.append((p, "ok", dump_intermediates(p, args.dump_intermediates)))
            except NotAFingerprint as exc:
                outcomes.append((p, "error", str(exc)))
    else:
        outcomes = results(args.files, args.jobs, not args.no_cache)
    for path, status, payload in outcomes:
        if status == "ok":
            print(json.dumps({"path": path, **payload}), flush=True)
        else:
            print(f"{path}: {payload}", file=sys.stderr, flush=True)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
