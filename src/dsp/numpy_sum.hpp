// Summation in numpy's order, for results that must round like numpy's. np.sum / np.mean along a
// contiguous axis use pairwise summation (blocks of 8 accumulators up to 128 elements, then
// halving); along a strided axis numpy adds row after row, which is the plain left-to-right loop.
// Accumulation is in T (float for float32 arrays, as numpy does), never silently widened.
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

namespace trackprint::dsp {

// numpy's pairwise_sum (numpy/_core/src/umath/loops_utils.h.src), unit stride, accumulating in
// Acc: pairwise_sum_as<double>(floats) is np.sum(x.astype(np.float64)) without the copy.
template <class Acc, class T>
Acc pairwise_sum_as(const T* a, std::size_t n) {
  if (n < 8) {
    Acc res = 0;
    for (std::size_t i = 0; i < n; ++i) res += static_cast<Acc>(a[i]);
    return res;
  }
  if (n <= 128) {
    Acc r[8];
    for (std::size_t j = 0; j < 8; ++j) r[j] = static_cast<Acc>(a[j]);
    std::size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (std::size_t j = 0; j < 8; ++j) r[j] += static_cast<Acc>(a[i + j]);
    }
    Acc res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += static_cast<Acc>(a[i]);
    return res;
  }
  std::size_t n2 = n / 2;
  n2 -= n2 % 8;
  return pairwise_sum_as<Acc>(a, n2) + pairwise_sum_as<Acc>(a + n2, n - n2);
}

// np.sum of a contiguous T array (float32 stays float32, as in numpy).
template <class T>
T pairwise_sum(const T* a, std::size_t n) {
  return pairwise_sum_as<T>(a, n);
}

// np.sum(A, axis=-1) of a C-ordered (width x n) matrix, i.e. `width` pairwise sums over n
// columns at once, without holding the matrix: next_column(std::span<T> col) is called n times, in
// order, and must fill column i (width values). The recursion visits columns in the same order and
// combines them in the same tree as pairwise_sum, so each out[w] equals pairwise_sum(A[w], n).
template <class T, class NextColumn>
void pairwise_sum_columns(std::size_t n, std::size_t width, NextColumn&& next_column,
                          std::span<T> out) {
  std::vector<T> col(width);
  if (n < 8) {
    std::fill(out.begin(), out.end(), T(0));
    for (std::size_t i = 0; i < n; ++i) {
      next_column(std::span<T>(col));
      for (std::size_t w = 0; w < width; ++w) out[w] += col[w];
    }
    return;
  }
  if (n <= 128) {
    std::vector<T> r(8 * width);
    for (std::size_t j = 0; j < 8; ++j) next_column(std::span<T>(r.data() + j * width, width));
    std::size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (std::size_t j = 0; j < 8; ++j) {
        next_column(std::span<T>(col));
        T* rj = r.data() + j * width;
        for (std::size_t w = 0; w < width; ++w) rj[w] += col[w];
      }
    }
    for (std::size_t w = 0; w < width; ++w) {
      const auto at = [&](std::size_t j) { return r[j * width + w]; };
      out[w] = ((at(0) + at(1)) + (at(2) + at(3))) + ((at(4) + at(5)) + (at(6) + at(7)));
    }
    for (; i < n; ++i) {
      next_column(std::span<T>(col));
      for (std::size_t w = 0; w < width; ++w) out[w] += col[w];
    }
    return;
  }
  std::size_t n2 = n / 2;
  n2 -= n2 % 8;
  std::vector<T> right(width);
  pairwise_sum_columns<T>(n2, width, next_column, out);
  pairwise_sum_columns<T>(n - n2, width, next_column, std::span<T>(right));
  for (std::size_t w = 0; w < width; ++w) out[w] += right[w];
}

}  // namespace trackprint::dsp
