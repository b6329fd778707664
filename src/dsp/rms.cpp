#include "dsp/rms.hpp"

#include <cmath>
#include <stdexcept>

#include "dsp/numpy_sum.hpp"

namespace trackprint::dsp {

std::size_t rms_frame_count(std::size_t length, std::size_t frame_length, std::size_t hop,
                            bool center) {
  const std::size_t padded = center ? length + 2 * (frame_length / 2) : length;
  if (padded < frame_length) return 0;
  return 1 + (padded - frame_length) / hop;
}

RmsTracker::RmsTracker(std::size_t frame_length, std::size_t hop, bool center)
    : frames_(frame_length, hop, center ? FrameStream::Edges::centred : FrameStream::Edges::inside),
      squares_(frame_length) {}

void RmsTracker::push(std::span<const float> y) {
  in_pieces(y, [this](std::span<const float> piece) {
    frames_.push(piece);
    drain();
  });
}

void RmsTracker::finish() {
  frames_.finish();
  drain();
}

void RmsTracker::drain() {
  std::span<const float> frame;
  while (frames_.next(frame)) {
    for (std::size_t i = 0; i < frame.size(); ++i) squares_[i] = frame[i] * frame[i];
    // np.mean along the frame axis, which is contiguous in librosa's framed view: pairwise sum.
    const float power =
        pairwise_sum(squares_.data(), frame.size()) / static_cast<float>(frame.size());
    values_.push_back(std::sqrt(power));
  }
}

std::vector<float> rms(std::span<const float> y, std::size_t frame_length, std::size_t hop,
                       bool center) {
  if (frame_length == 0 || hop == 0) throw std::invalid_argument("rms: zero frame or hop");
  RmsTracker tracker(frame_length, hop, center);
  tracker.push(y);
  tracker.finish();
  return tracker.values();
}

}  // namespace trackprint::dsp
