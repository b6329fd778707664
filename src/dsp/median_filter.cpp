#include "dsp/median_filter.hpp"

#include <algorithm>
#include <vector>

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

}  // namespace trackprint::dsp
