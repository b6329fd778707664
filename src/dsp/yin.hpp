// Fundamental frequency by YIN as librosa.yin (0.11): frames of frame_length every hop, centred
// with zero padding; cumulative mean normalised difference from an FFT autocorrelation in float32
// (scipy.fft on float32 frames) and float64 means; first trough below 0.1 else the global minimum;
// parabolic interpolation. win_length is deprecated in 0.11 and unused there, so absent here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "dsp/frame_stream.hpp"

namespace trackprint::dsp {

// librosa.yin(y, fmin=fmin, fmax=fmax, sr=sr, frame_length=frame_length, hop_length=hop,
// trough_threshold=0.1, center=True, pad_mode="constant"): one f0 (Hz) per frame, 1 + len/hop
// frames. Throws std::invalid_argument where librosa raises ParameterError (fmax > sr/2,
// fmin >= fmax, fmin <= 0, sr/fmin >= frame_length - 1).
// The same f0 series for a signal that arrives in blocks (one frame of samples held).
class YinTracker {
 public:
  YinTracker(double sr, double fmin, double fmax, std::size_t frame_length = 2048,
             std::size_t hop = 512);
  ~YinTracker();
  YinTracker(const YinTracker&) = delete;
  YinTracker& operator=(const YinTracker&) = delete;

  void push(std::span<const float> y);
  void finish();
  const std::vector<double>& f0() const { return f0_; }

  // Also record, per frame, whether a trough below the 0.1 threshold was found (1) or the
  // global minimum was taken (0): YIN's own voicing. Off unless asked (for a trace).
  void keep_voicing() { keep_voicing_ = true; }
  const std::vector<std::uint8_t>& voiced() const { return voiced_; }

 private:
  void drain();
  struct Work;
  std::unique_ptr<Work> work_;
  FrameStream frames_;
  double sr_;
  std::vector<double> f0_;
  bool keep_voicing_ = false;
  std::vector<std::uint8_t> voiced_;
};

std::vector<double> yin(std::span<const float> y, double sr, double fmin, double fmax,
                        std::size_t frame_length = 2048, std::size_t hop = 512);

}  // namespace trackprint::dsp
