// Runs one track: decode (io) → analysis signal at 22050 Hz → the seven feature families, with
// one STFT of y shared by every family that uses librosa's default transform (spec §1.5).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "io/decoder.hpp"
#include "trackprint/fingerprint.hpp"

namespace trackprint::analysis {

// The decoded track at its own rate, planar, with its BS.1770 loudness.
struct DecodedTrack {
  io::StreamInfo info;
  std::vector<std::vector<float>> channels;
  double lufs = -70.0;
};

// spec §1.3: y is the mean of all channels resampled to 22050 Hz; left/right are channels 0 and
// 1 resampled likewise (empty for a mono track).
struct AnalysisSignal {
  std::vector<float> y;
  std::vector<float> left;
  std::vector<float> right;
};

DecodedTrack decode_track(const std::string& path);  // throws Failure
// Throws Failure(invalid_input) if any sample is NaN or infinite.
void require_finite(std::span<const std::vector<float>> channels);
AnalysisSignal make_analysis_signal(std::span<const std::vector<float>> channels, int sample_rate);
// The 25 values from the analysis signal and the loudness; throws Failure (too_short).
Fingerprint fingerprint_of(const AnalysisSignal& signal, double lufs);

}  // namespace trackprint::analysis
