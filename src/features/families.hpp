// The seven families of the spec; each writes exactly its own dimensions.
// frequency.cpp: sub_bass_pct … air_pct          dynamics.cpp: crest_db, bass_mid_ratio
// temporal.cpp: tempo_bpm, rhythm_stability, transient_density, silence_ratio
// spectral.cpp: spectral_centroid, spectral_rolloff, spectral_flatness
// harmonic.cpp: harmonic_ratio, pitch_stability, chroma_energy
// variation.cpp: dynamic_range_variation, loudness_variation_std, peak_consistency
// stereo.cpp: stereo_width, phase_correlation
// The families that read the shared STFT consume it one frame at a time, in order (push), so
// it is never stored; the others read y. lufs is measured at the native rate (io/loudness).
#pragma once

#include <array>
#include <complex>
#include <vector>

#include "dsp/hpss.hpp"
#include "dsp/mel.hpp"
#include "dsp/spectral.hpp"
#include "dsp/tuning.hpp"
#include "features/analysis_input.hpp"
#include "trackprint/fingerprint.hpp"

namespace trackprint::features {

// Energy of the 7 bands of spec §Frequency from the Welch power spectrum (8192/2048, uncentred).
using BandEnergies = std::array<double, 7>;
BandEnergies band_energies(std::span<const float> y);

void measure_frequency(const BandEnergies& bands, Fingerprint& fp);
void measure_dynamics(std::span<const float> y, const BandEnergies& bands, Fingerprint& fp);
void measure_variation(std::span<const float> y, Fingerprint& fp);
void measure_pitch_stability(std::span<const float> y, Fingerprint& fp);  // YIN

// Per-frame centroid, rolloff and flatness of |S|; their medians at the end.
class SpectralFamily {
 public:
  void push(std::span<const float> magnitude);
  void finish(Fingerprint& fp);

 private:
  dsp::SpectralShape shape_{kAnalysisRate, kFftSize};
  std::vector<double> centroid_, rolloff_;
  std::vector<float> flatness_;
};

// The mel power of each frame (128 floats kept per frame); onset envelope, tempo, beats and
// onsets at the end, when the track's maximum is known; silence_ratio from y.
class TemporalFamily {
 public:
  TemporalFamily();
  void push(std::span<const float> magnitude);
  void finish(std::span<const float> y, Fingerprint& fp);

 private:
  static constexpr std::size_t kBlock = 64;  // frames per filterbank pass
  void flush_block();
  dsp::MelFilterbank mel_;
  std::vector<float> power_block_;  // |S|**2 of up to kBlock frames awaiting the filterbank
  std::size_t block_frames_ = 0;
  std::vector<float> mel_power_;
};

// HPSS energies and piptrack tuning evidence frame by frame; the CQT chroma (which needs the
// tuning first) from y at the end. pitch_stability reads only y: measure_pitch_stability.
class HarmonicFamily {
 public:
  explicit HarmonicFamily(std::size_t length);  // len(y)
  void push(std::span<const std::complex<float>> frame, std::span<const float> magnitude);
  void finish(std::span<const float> y, Fingerprint& fp);

 private:
  dsp::HpssEnergyAccumulator hpss_;
  dsp::TuningEstimator tuning_;
  std::size_t length_;
};

// The same families over a stored STFT (AnalysisInput), for tests and tools.
void measure_temporal(const AnalysisInput& in, Fingerprint& fp);
void measure_spectral(const AnalysisInput& in, Fingerprint& fp);
void measure_harmonic(const AnalysisInput& in, Fingerprint& fp);

// stereo_width and phase_correlation from L and R blocks (equal lengths, in order); a track
// that never adds a block is mono (width 0, correlation 1).
class StereoAccumulator {
 public:
  void add(std::span<const float> left, std::span<const float> right);
  void finish(Fingerprint& fp) const;

 private:
  double count_ = 0;
  double mid_energy_ = 0, side_energy_ = 0;
  double mean_l_ = 0, mean_r_ = 0;
  double m2_l_ = 0, m2_r_ = 0, co_ = 0;  // centred sums of squares and co-products
};

}  // namespace trackprint::features
