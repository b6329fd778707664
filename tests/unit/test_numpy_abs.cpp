// The batch numpy_abs against the scalar reference: the same bits on every value, special values
// included (zeros, subnormals, infinities, NaN), whatever n is, on every SIMD target.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "dsp/numpy_abs.hpp"
#include "simd_targets.hpp"

namespace trackprint {
namespace {

std::uint32_t bits(float v) {
  std::uint32_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

TEST(NumpyAbs, BatchIsScalarBitForBit) {
  std::mt19937 gen(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> exponent(-140, 120);
  std::vector<std::complex<float>> z;
  for (int i = 0; i < 100000; ++i) {
    z.emplace_back(std::ldexp(normal(gen), exponent(gen)), std::ldexp(normal(gen), exponent(gen)));
  }
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float denorm = std::numeric_limits<float>::denorm_min();
  for (float a : {0.0f, -0.0f, 1.0f, -3.5f, denorm, inf, -inf, nan}) {
    for (float b : {0.0f, -0.0f, 2.0f, denorm, inf, nan}) z.emplace_back(a, b);
  }
  // A NaN beside finite values in every position of a vector (a NaN real part once slipped
  // past a check that looked at max(re, im) only).
  for (int i = 0; i < 64; ++i) z.emplace_back(i % 5 == 0 ? nan : 1.5f, 0.25f);
  test::for_each_simd_target([&](const std::string& target) {
    for (std::size_t n : {z.size(), std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{8},
                          std::size_t{17}}) {
      std::vector<float> got(n);
      dsp::numpy_abs(z.data() + (z.size() - n), got.data(), n);
      for (std::size_t i = 0; i < n; ++i) {
        const std::complex<float> v = z[z.size() - n + i];
        const float want = dsp::numpy_abs(v);
        if (std::isnan(want)) {
          EXPECT_TRUE(std::isnan(got[i])) << target << " " << v;
        } else {
          ASSERT_EQ(bits(got[i]), bits(want)) << target << " " << v;
        }
      }
    }
  });
}

// The targets the other tests run: the scalar one and, on this machine, wider ones.
TEST(SimdTargets, IncludeScalarCode) {
  std::vector<std::string> names;
  test::for_each_simd_target([&](const std::string& target) { names.push_back(target); });
  // HWY_SCALAR, or HWY_EMU128 where the compiler builds it: plain C++ code, no SIMD needed.
  const bool scalar = std::find(names.begin(), names.end(), "SCALAR") != names.end() ||
                      std::find(names.begin(), names.end(), "EMU128") != names.end();
  EXPECT_TRUE(scalar) << names.size() << " targets";
  EXPECT_GE(names.size(), 2u);
}

}  // namespace
}  // namespace trackprint
