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

std::vector<float> rms(std::span<const float> y, std::size_t frame_length, std::size_t hop,
                       bool center) {
  if (frame_length == 0 || hop == 0) throw std::invalid_argument("rms: zero frame or hop");
  const std::size_t n_frames = rms_frame_count(y.size(), frame_length, hop, center);
  std::vector<float> out(n_frames);
  std::vector<float> squares(frame_length);  // one frame of y**2, reused
  const std::ptrdiff_t offset = center ? -static_cast<std::ptrdiff_t>(frame_length / 2) : 0;
  const auto len = static_cast<std::ptrdiff_t>(y.size());
  for (std::size_t t = 0; t < n_frames; ++t) {
    const std::ptrdiff_t start = static_cast<std::ptrdiff_t>(t * hop) + offset;
    for (std::size_t i = 0; i < frame_length; ++i) {
      const std::ptrdiff_t j = start + static_cast<std::ptrdiff_t>(i);
      const float x = (j >= 0 && j < len) ? y[static_cast<std::size_t>(j)] : 0.0f;
      squares[i] = x * x;
    }
    // np.mean along the frame axis, which is contiguous in librosa's framed view: pairwise sum.
    const float power =
        pairwise_sum(squares.data(), frame_length) / static_cast<float>(frame_length);
    out[t] = std::sqrt(power);
  }
  return out;
}

}  // namespace trackprint::dsp
