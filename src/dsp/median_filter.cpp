#include "dsp/median_filter.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace trackprint::dsp {

std::size_t reflect_index_slow(std::ptrdiff_t i, std::size_t n) {
  const auto period = static_cast<std::ptrdiff_t>(2 * n);
  std::ptrdiff_t m = i % period;
  if (m < 0) m += period;
  // The second half of each period is the mirror image of the first (a b c d | d c b a).
  return static_cast<std::size_t>(m < static_cast<std::ptrdiff_t>(n) ? m : period - 1 - m);
}

void median_filter_reference(StridedConst in, std::size_t n, std::size_t radius, Strided out) {
  std::vector<float> window(2 * radius + 1);
  const auto r = static_cast<std::ptrdiff_t>(radius);
  for (std::size_t k = 0; k < n; ++k) {
    for (std::ptrdiff_t j = -r; j <= r; ++j) {
      window[static_cast<std::size_t>(j + r)] =
          in[reflect_index(static_cast<std::ptrdiff_t>(k) + j, n)];
    }
    const auto mid = window.begin() + r;
    std::nth_element(window.begin(), mid, window.end());
    out[k] = *mid;
  }
}

SlidingMedian::SlidingMedian(std::size_t radius)
    : size_(2 * radius + 1),
      padded_((size_ + 7) / 8 * 8),
      buffers_(2 * (padded_ + 2), std::numeric_limits<float>::infinity()) {
  for (std::size_t b = 0; b < 2; ++b) buffer(b)[-1] = -std::numeric_limits<float>::infinity();
}

void SlidingMedian::reset(StridedConst in, std::size_t n, std::size_t k) {
  float* a = buffer(cur_);
  const auto r = static_cast<std::ptrdiff_t>(radius());
  for (std::ptrdiff_t j = -r; j <= r; ++j) {
    a[j + r] = in[reflect_index(static_cast<std::ptrdiff_t>(k) + j, n)];
  }
  std::sort(a, a + size_);
}

void SlidingMedian::replace(float leaving, float entering) {
  const float* a = buffer(cur_);
  float* out = buffer(cur_ ^ 1);
  // Removing `leaving` (o) and inserting `entering` (v) moves the values between them by one
  // slot, towards o's slot when v > o (down when v < o), and v fills the slot left free. Each
  // slot j can tell its new value from a[j-1], a[j], a[j+1] alone:
  //   v >= o: a[j] < o -> a[j] (below both); else a[j+1] < v -> a[j+1] (moves down);
  //           else max(v, a[j]) (v's slot, or above both)
  //   v <  o: a[j] < v -> a[j] (below both); else a[j-1] < v -> v (v's slot);
  //           else a[j-1] < o -> a[j-1] (moves up); else a[j] (above both)
  // With duplicates this removes the lowest slot holding o: equal values are interchangeable.
  // The +inf padding stays +inf (the largest real value is >= o > v when moving up).
  const float o = leaving, v = entering;
  if (v >= o) {
    for (std::size_t j = 0; j < padded_; ++j) {
      const float mid = a[j], hi = a[j + 1];
      out[j] = mid < o ? mid : (hi < v ? hi : (v < mid ? mid : v));
    }
  } else {
    for (std::size_t j = 0; j < padded_; ++j) {
      const float lo = a[static_cast<std::ptrdiff_t>(j) - 1], mid = a[j];
      out[j] = mid < v ? mid : (lo < v ? v : (lo < o ? lo : mid));
    }
  }
  cur_ ^= 1;
}

void median_filter(StridedConst in, std::size_t n, std::size_t radius, Strided out,
                   SlidingMedian& window) {
  if (window.radius() != radius) throw std::invalid_argument("median_filter: window radius");
  if (n == 0) return;
  const auto r = static_cast<std::ptrdiff_t>(radius);
  window.reset(in, n, 0);
  out[0] = window.median();
  for (std::size_t k = 1; k < n; ++k) {
    const auto ks = static_cast<std::ptrdiff_t>(k);
    window.replace(in[reflect_index(ks - 1 - r, n)], in[reflect_index(ks + r, n)]);
    out[k] = window.median();
  }
}

}  // namespace trackprint::dsp
