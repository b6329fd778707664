// Root-mean-square energy per frame as librosa 0.11 computes it from samples
// (librosa.feature.rms(y=y, frame_length, hop_length, center=True, pad_mode="constant")):
// float32 squares, numpy's pairwise float32 mean over each frame, float32 sqrt.
// The decibel conversion that usually follows lives in dsp/db.hpp (included here).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "dsp/db.hpp"
#include "dsp/frame_stream.hpp"

namespace trackprint::dsp {

// Number of frames librosa.feature.rms gives: 1 + (len + 2*(frame_length/2) - frame_length) / hop
// when centred, 1 + (len - frame_length) / hop (0 if shorter) when not.
std::size_t rms_frame_count(std::size_t length, std::size_t frame_length, std::size_t hop,
                            bool center = true);

// The same RMS series for a signal that arrives in blocks.
class RmsTracker {
 public:
  RmsTracker(std::size_t frame_length, std::size_t hop, bool center = true);
  void push(std::span<const float> y);
  void finish();
  const std::vector<float>& values() const { return values_; }

 private:
  void drain();
  FrameStream frames_;
  std::vector<float> squares_;  // one frame of y**2, reused
  std::vector<float> values_;
};

// librosa.feature.rms(y=y, frame_length=frame_length, hop_length=hop, center=center)[0].
std::vector<float> rms(std::span<const float> y, std::size_t frame_length, std::size_t hop,
                       bool center = true);

}  // namespace trackprint::dsp
