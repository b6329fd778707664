#include "dsp/peak_pick.hpp"

#include <algorithm>
#include <stdexcept>

namespace trackprint::dsp {
namespace {

// numba's np.mean of a float32 slice: float32 accumulator, float32 / int64 in double, rounded
// back to float32 (numba/np/arraymath.py array_mean).
float slice_mean(std::span<const float> x, std::size_t lo, std::size_t hi) {
  float acc = 0.0f;
  for (std::size_t i = lo; i < hi; ++i) acc += x[i];
  return static_cast<float>(static_cast<double>(acc) / static_cast<double>(hi - lo));
}

float slice_max(std::span<const float> x, std::size_t lo, std::size_t hi) {
  return *std::max_element(x.begin() + static_cast<std::ptrdiff_t>(lo),
                           x.begin() + static_cast<std::ptrdiff_t>(hi));
}

}  // namespace

std::vector<std::size_t> peak_pick(std::span<const float> x, const PeakPickParams& p) {
  if (p.post_max == 0 || p.post_avg == 0) {
    throw std::invalid_argument("peak_pick: post_max and post_avg must be positive");
  }
  if (!(p.delta >= 0.0f)) throw std::invalid_argument("peak_pick: delta must be non-negative");
  std::vector<std::size_t> peaks;
  const std::size_t n_x = x.size();
  if (n_x == 0) return peaks;

  // Special case the first frame.
  bool first = x[0] >= slice_max(x, 0, std::min(p.post_max, n_x));
  first = first && x[0] >= slice_mean(x, 0, std::min(p.post_avg, n_x)) + p.delta;
  if (first) peaks.push_back(0);
  std::size_t n = first ? p.wait + 1 : 1;

  while (n < n_x) {
    const std::size_t lo_max = n >= p.pre_max ? n - p.pre_max : 0;
    if (x[n] != slice_max(x, lo_max, std::min(n + p.post_max, n_x))) {
      ++n;
      continue;
    }
    const std::size_t lo_avg = n >= p.pre_avg ? n - p.pre_avg : 0;
    if (!(x[n] >= slice_mean(x, lo_avg, std::min(n + p.post_avg, n_x)) + p.delta)) {
      ++n;
      continue;
    }
    peaks.push_back(n);
    n += p.wait + 1;
  }
  return peaks;
}

}  // namespace trackprint::dsp
