// dsp::median_filter_reference against brute force and scipy.ndimage.median_filter(mode="reflect"),
// and the SIMD lane kernels (dsp/lane_median.hpp) on every target this CPU runs against it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "dsp/lane_median.hpp"
#include "dsp/median_filter.hpp"
#include "simd_targets.hpp"

namespace trackprint::dsp {
namespace {

// Deterministic values; `levels` > 0 quantises them so that windows hold many equal values.
std::vector<float> random_values(std::size_t n, std::uint64_t seed, int levels = 0) {
  std::vector<float> v(n);
  std::uint64_t s = seed;
  for (auto& x : v) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    const double u = static_cast<double>(s >> 11) / 9007199254740992.0;
    x = levels > 0 ? static_cast<float>(static_cast<int>(u * levels)) : static_cast<float>(u);
  }
  return v;
}

// The reflect extension spelt out as scipy documents it: ... c b a | a b c d | d c b a ...,
// repeated as often as needed; then each window fully sorted.
std::vector<float> brute_force(const std::vector<float>& x, std::size_t radius) {
  const std::size_t n = x.size();
  std::vector<float> cycle(x);  // one period of the extension, starting at index 0
  cycle.insert(cycle.end(), x.rbegin(), x.rend());
  std::vector<float> out(n);
  for (std::size_t k = 0; k < n; ++k) {
    std::vector<float> w;
    for (std::size_t j = 0; j <= 2 * radius; ++j) {
      // position k - radius + j, shifted by whole periods to be non-negative
      const std::size_t pos = k + j + cycle.size() * (radius / cycle.size() + 1) - radius;
      w.push_back(cycle[pos % cycle.size()]);
    }
    std::sort(w.begin(), w.end());
    out[k] = w[radius];
  }
  return out;
}

std::vector<float> reference(const std::vector<float>& x, std::size_t radius) {
  std::vector<float> out(x.size());
  median_filter_reference({x.data(), 1}, x.size(), radius, {out.data(), 1});
  return out;
}

TEST(ReflectIndex, RepeatsTheEdgeSample) {
  // n = 4: a b c d -> index -1 is a (0), -4 is d (3), 4 is d (3), 7 is a (0), 8 is a again.
  EXPECT_EQ(reflect_index(-1, 4), 0u);
  EXPECT_EQ(reflect_index(-2, 4), 1u);
  EXPECT_EQ(reflect_index(-4, 4), 3u);
  EXPECT_EQ(reflect_index(-5, 4), 3u);
  EXPECT_EQ(reflect_index(4, 4), 3u);
  EXPECT_EQ(reflect_index(5, 4), 2u);
  EXPECT_EQ(reflect_index(7, 4), 0u);
  EXPECT_EQ(reflect_index(8, 4), 0u);
  EXPECT_EQ(reflect_index(2, 4), 2u);
  for (int i = -40; i < 40; ++i) EXPECT_EQ(reflect_index(i, 1), 0u);
}

TEST(MedianFilter, MatchesScipyOnShortSequences) {
  // import numpy as np, scipy.ndimage
  // scipy.ndimage.median_filter(np.array([[1, 5, 2, 8, 3]], np.float32), size=(1, 7),
  //                             mode="reflect")  -> [[2, 3, 3, 3, 3]]
  // scipy.ndimage.median_filter(np.array([[4, 1, 7, 3, 9, 2, 6, 5, 8, 0]], np.float32),
  //                             size=(1, 5), mode="reflect") -> [[4, 4, 4, 3, 6, 5, 6, 5, 5, 5]]
  const std::vector<float> a = {1, 5, 2, 8, 3};
  const std::vector<float> a_med = {2, 3, 3, 3, 3};
  EXPECT_EQ(reference(a, 3), a_med);
  const std::vector<float> b = {4, 1, 7, 3, 9, 2, 6, 5, 8, 0};
  const std::vector<float> b_med = {4, 4, 4, 3, 6, 5, 6, 5, 5, 5};
  EXPECT_EQ(reference(b, 2), b_med);
}

TEST(MedianFilter, AgreesWithBruteForceOnRandomData) {
  for (std::size_t n : {1u, 2u, 3u, 7u, 15u, 16u, 30u, 31u, 32u, 100u, 1025u}) {
    for (std::size_t radius : {0u, 1u, 3u, 15u}) {
      for (int levels : {0, 3, 50}) {
        const std::vector<float> x = random_values(n, 1000 + n * 7 + radius, levels);
        const std::vector<float> expected = brute_force(x, radius);
        EXPECT_EQ(reference(x, radius), expected) << "n=" << n << " r=" << radius;
      }
    }
  }
}

TEST(MedianFilter, StridedViewsReadAndWriteOneColumn) {
  // A 40 x 3 row-major matrix; filter column 1 in place of a (frames x bins) spectrogram's bin.
  const std::size_t rows = 40, cols = 3;
  const std::vector<float> m = random_values(rows * cols, 99);
  std::vector<float> column(rows);
  for (std::size_t r = 0; r < rows; ++r) column[r] = m[r * cols + 1];
  std::vector<float> out(rows * cols, -1.0f);
  median_filter_reference({m.data() + 1, 3}, rows, 15, {out.data() + 1, 3});
  const std::vector<float> expected = brute_force(column, 15);
  for (std::size_t r = 0; r < rows; ++r) {
    EXPECT_EQ(out[r * cols + 1], expected[r]);
    EXPECT_EQ(out[r * cols], -1.0f);  // untouched
  }
}

// Sequences of `n` values for `lanes` lanes in the layout of an HPSS frame: value k of sequence
// l at rows[k][l]. Kinds mix ties (few levels), zeros, subnormals and huge values.
std::vector<std::vector<float>> lane_rows(std::size_t n, std::size_t lanes, std::uint64_t seed) {
  std::vector<std::vector<float>> rows(n, std::vector<float>(lanes));
  for (std::size_t l = 0; l < lanes; ++l) {
    const int kind = static_cast<int>(l % 6);
    const std::vector<float> x = random_values(n, seed + l, kind == 1 ? 3 : kind == 2 ? 40 : 0);
    for (std::size_t k = 0; k < n; ++k) {
      float v = x[k];
      if (kind == 3) v = v < 0.5f ? 0.0f : v;                                  // half zeros
      if (kind == 4) v *= std::numeric_limits<float>::denorm_min() * 1000.0f;  // subnormals
      if (kind == 5) v = k % 7 == 0 ? 3e38f : v * 1e-30f;                      // huge and tiny
      rows[k][l] = v;
    }
  }
  return rows;
}

// median_filter(size 31, mode="reflect") of every lane's sequence with the lane kernel, the way
// HPSS runs it: kLaneWindow steps with leaving = +inf load the reflected window of position 0,
// then each step slides one position; `chunk` steps per call (the state carries over).
std::vector<std::vector<float>> lane_filter(const std::vector<std::vector<float>>& rows,
                                            std::size_t groups, std::size_t chunk) {
  const std::size_t n = rows.size();
  const auto r = static_cast<std::ptrdiff_t>(kLaneRadius);
  const std::vector<float> inf(groups * kLaneWidth, std::numeric_limits<float>::infinity());
  std::vector<const float*> leave, enter;
  std::vector<std::vector<float>> out(n, std::vector<float>(groups * kLaneWidth, -1.0f));
  std::vector<float*> dest;
  for (std::ptrdiff_t j = -r; j <= r; ++j) {
    leave.push_back(inf.data());
    enter.push_back(rows[reflect_index(j, n)].data());
    dest.push_back(j == r ? out[0].data() : nullptr);
  }
  for (std::size_t k = 1; k < n; ++k) {
    const auto ks = static_cast<std::ptrdiff_t>(k);
    leave.push_back(rows[reflect_index(ks - 1 - r, n)].data());
    enter.push_back(rows[reflect_index(ks + r, n)].data());
    dest.push_back(out[k].data());
  }
  std::vector<float> state(groups * kLaneGroupState);
  lane_median_clear(state.data(), groups);
  for (std::size_t s = 0; s < leave.size(); s += chunk) {
    const std::size_t count = std::min(chunk, leave.size() - s);
    lane_median_steps(state.data(), groups, count, leave.data() + s, enter.data() + s,
                      dest.data() + s);
  }
  return out;
}

TEST(LaneMedian, EveryTargetMatchesTheScalarReference) {
  const std::size_t groups = 3;
  const std::size_t lanes = groups * kLaneWidth;
  test::for_each_simd_target([&](const std::string& target) {
    for (std::size_t n : {1u, 2u, 5u, 15u, 16u, 17u, 31u, 32u, 47u, 300u}) {
      const std::vector<std::vector<float>> rows = lane_rows(n, lanes, 77 + n);
      for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, n + 2 * kLaneRadius}) {
        const std::vector<std::vector<float>> got = lane_filter(rows, groups, chunk);
        for (std::size_t l = 0; l < lanes; ++l) {
          std::vector<float> seq(n), expected(n);
          for (std::size_t k = 0; k < n; ++k) seq[k] = rows[k][l];
          median_filter_reference({seq.data(), 1}, n, kLaneRadius, {expected.data(), 1});
          for (std::size_t k = 0; k < n; ++k) {
            // Bit for bit (no NaN, and the data has no -0 to be confused with +0).
            ASSERT_EQ(std::memcmp(&got[k][l], &expected[k], sizeof(float)), 0)
                << target << " n=" << n << " chunk=" << chunk << " lane=" << l << " k=" << k << ": "
                << got[k][l] << " != " << expected[k];
          }
        }
      }
    }
  });
}

}  // namespace
}  // namespace trackprint::dsp
