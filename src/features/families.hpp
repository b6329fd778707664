// The seven families of the spec, one function each; each writes exactly its own dimensions.
// frequency.cpp: sub_bass_pct … air_pct          dynamics.cpp: crest_db, bass_mid_ratio
// temporal.cpp: tempo_bpm, rhythm_stability, transient_density, silence_ratio
// spectral.cpp: spectral_centroid, spectral_rolloff, spectral_flatness
// harmonic.cpp: harmonic_ratio, pitch_stability, chroma_energy
// variation.cpp: dynamic_range_variation, loudness_variation_std, peak_consistency
// stereo.cpp: stereo_width, phase_correlation (streamed: StereoAccumulator)
// lufs is measured on the decoded signal at its own rate (io/loudness), not here.
#pragma once

#include <array>

#include "features/analysis_input.hpp"
#include "trackprint/fingerprint.hpp"

namespace trackprint::features {

// Energy of the 7 bands of spec §Frequency from the Welch power spectrum (8192/2048, uncentred).
using BandEnergies = std::array<double, 7>;
BandEnergies band_energies(std::span<const float> y);

void measure_frequency(const BandEnergies& bands, Fingerprint& fp);
void measure_dynamics(const AnalysisInput& in, const BandEnergies& bands, Fingerprint& fp);
void measure_temporal(const AnalysisInput& in, Fingerprint& fp);
void measure_spectral(const AnalysisInput& in, Fingerprint& fp);
void measure_harmonic(const AnalysisInput& in, Fingerprint& fp);
void measure_variation(const AnalysisInput& in, Fingerprint& fp);
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
