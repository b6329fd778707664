// The numbers version: which exact bits this build computes. It changes whenever any output bit
// of any fingerprint can change (an algorithm, a constant, an order of summation, a library
// swapped), whether or not the spec changed, and unlike the release version it changes for
// nothing else. Stored fingerprints and sidecars of another numbers version are outdated: a
// scan recomputes them. tests/unit/test_pinned_fingerprint.cpp pins the bits of one signal so
// that a change cannot go unannounced.
#pragma once

namespace trackprint {

// 2: the percussive part of HPSS is y - h, the stereo channels come from y and a resampled side,
// and the CQT's FFTs run in float32 (harmonic_ratio, stereo_width, phase_correlation and
// chroma_energy move by less than 1e-7; nothing else changes).
// 3: FFTW's plans come from wisdom made once with FFTW_MEASURE and built in
// (src/dsp/fftw_wisdom.inc) instead of FFTW_ESTIMATE: every value computed through an FFT moves
// in its last digits.
// 4: YIN's autocorrelation takes 2560-point FFTs (exact for the lags it reads) instead of 4096,
// and the loudness filter subtracts its feedback terms in another order (pitch_stability and
// lufs move in their last digits; nothing else changes).
inline constexpr int kNumbersVersion = 4;

}  // namespace trackprint
