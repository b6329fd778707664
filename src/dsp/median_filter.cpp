#include "dsp/median_filter.hpp"

#include <algorithm>
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

void SlidingMedian::reset(StridedConst in, std::size_t n, std::size_t k) {
  const auto r = static_cast<std::ptrdiff_t>(radius());
  for (std::ptrdiff_t j = -r; j <= r; ++j) {
    sorted_[static_cast<std::size_t>(j + r)] =
        in[reflect_index(static_cast<std::ptrdiff_t>(k) + j, n)];
  }
  std::sort(sorted_.begin(), sorted_.end());
}

void SlidingMedian::replace(float leaving, float entering) {
  float* a = sorted_.data();
  const std::size_t size = sorted_.size();
  // Ranks by counting rather than binary search: no data-dependent branches, and the compiler
  // vectorises the loop. p = where `leaving` sits (first of equals), q = where `entering` would go
  // in the window as it is now.
  std::size_t p = 0, q = 0;
  for (std::size_t j = 0; j < size; ++j) {
    p += a[j] < leaving ? 1 : 0;
    q += a[j] < entering ? 1 : 0;
  }
  if (q > p) {
    // Entering goes above: a[p+1 .. q-1] (>= leaving, < entering) move down one.
    for (std::size_t j = p; j + 1 < q; ++j) a[j] = a[j + 1];
    a[q - 1] = entering;
  } else {
    // Entering goes at q: a[q .. p-1] (>= entering, < leaving) move up one.
    for (std::size_t j = p; j > q; --j) a[j] = a[j - 1];
    a[q] = entering;
  }
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
