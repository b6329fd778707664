// What every feature family reads: the analysis signal at 22050 Hz (spec §1.3) and the one
// shared STFT of y (2048/512, periodic Hann, centred, zero padded: spec §1.5). Families take
// what they need and write only their own dimensions into the Fingerprint. L and R never
// reach here: the stereo family is fed block by block as they are resampled.
#pragma once

#include <span>

#include "dsp/stft.hpp"

namespace trackprint::features {

inline constexpr double kAnalysisRate = 22050.0;
inline constexpr std::size_t kFftSize = 2048;
inline constexpr std::size_t kHop = 512;

struct AnalysisInput {
  std::span<const float> y;          // mono mix, 22050 Hz
  const dsp::Spectrogram& stft;      // librosa.stft(y)
  std::span<const float> magnitude;  // abs(stft), frame-major like stft.data
};

}  // namespace trackprint::features
