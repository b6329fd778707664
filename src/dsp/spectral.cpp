#include "dsp/spectral.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include "dsp/mel.hpp"
#include "dsp/numpy_sum.hpp"

namespace trackprint::dsp {

SpectralShape::SpectralShape(double sr, std::size_t n_fft)
    : freq_(fft_frequencies(sr, n_fft)), scratch_d_(freq_.size()), scratch_f_(freq_.size()) {}

double SpectralShape::centroid(std::span<const float> mag) {
  const std::size_t n = freq_.size();
  if (mag.size() != n) throw std::invalid_argument("SpectralShape: wrong frame size");
  // util.normalize(S, norm=1, axis=-2): the length is a float64 pairwise sum of |S|; each
  // S / length is stored as float32. Multiplying by 1 / length instead of dividing changes the
  // double quotient by at most an ulp, which survives the rounding to float32 about once in 2^28.
  double length = pairwise_sum_as<double>(mag.data(), n);
  if (length < static_cast<double>(std::numeric_limits<float>::min())) length = 1.0;
  const double inv_length = 1.0 / length;
  for (std::size_t k = 0; k < n; ++k) {
    const auto s_norm = static_cast<float>(static_cast<double>(mag[k]) * inv_length);
    scratch_d_[k] = freq_[k] * static_cast<double>(s_norm);
  }
  return pairwise_sum(scratch_d_.data(), n);
}

double SpectralShape::rolloff(std::span<const float> mag, double roll_percent) {
  const std::size_t n = freq_.size();
  if (mag.size() != n) throw std::invalid_argument("SpectralShape: wrong frame size");
  if (!(roll_percent > 0.0 && roll_percent < 1.0)) {
    throw std::invalid_argument("SpectralShape: roll_percent must lie in (0, 1)");
  }
  // np.cumsum (left to right in float32) once; its last value is the total.
  float* cum = scratch_f_.data();
  float acc = 0.0f;
  for (std::size_t k = 0; k < n; ++k) cum[k] = acc += mag[k];
  const float threshold = static_cast<float>(roll_percent) * acc;
  for (std::size_t k = 0; k < n; ++k) {
    if (!(cum[k] < threshold)) return freq_[k];
  }
  return std::numeric_limits<double>::quiet_NaN();  // np.nanmin of all-NaN (unreachable for S>=0)
}

namespace {

// sum(log(x)) over positive normal floats, in double and accurate to ~1e-13 absolute: the
// exponents are summed exactly and the mantissas (in [1, 2)) multiplied in 4 interleaved
// products (renormalised every 1024 values), so only 4 logs are
// taken instead of n. np.mean(np.log(x)) in float32 is within ~1e-6 of this anyway (its own
// pairwise float32 rounding), so there is nothing to gain from n float32 logs.
double sum_log(const float* x, std::size_t n) {
  double prod[4] = {1.0, 1.0, 1.0, 1.0};
  std::int64_t exponents = 0;
  std::size_t k = 0;
  while (k + 4 <= n) {
    // Chunks of up to 1024 values: each product stays below 2^256 before it is renormalised.
    const std::size_t end = k + std::min<std::size_t>(1024, (n - k) / 4 * 4);
    for (; k < end; k += 4) {
      for (std::size_t j = 0; j < 4; ++j) {
        const auto bits = std::bit_cast<std::uint32_t>(x[k + j]);
        exponents += static_cast<std::int64_t>(bits >> 23) - 127;
        prod[j] *= static_cast<double>(std::bit_cast<float>((bits & 0x7fffffu) | 0x3f800000u));
      }
    }
    for (double& p : prod) {  // frexp by hand (p is normal, >= 1): p = m * 2^e, m in [1, 2)
      const auto bits = std::bit_cast<std::uint64_t>(p);
      exponents += static_cast<std::int64_t>(bits >> 52) - 1023;
      p = std::bit_cast<double>((bits & 0xfffffffffffffull) | 0x3ff0000000000000ull);
    }
  }
  for (; k < n; ++k) {
    const auto bits = std::bit_cast<std::uint32_t>(x[k]);
    exponents += static_cast<std::int64_t>(bits >> 23) - 127;
    prod[0] *= static_cast<double>(std::bit_cast<float>((bits & 0x7fffffu) | 0x3f800000u));
  }
  constexpr double kLn2 = 0.6931471805599453;
  return static_cast<double>(exponents) * kLn2 +
         ((std::log(prod[0]) + std::log(prod[1])) + (std::log(prod[2]) + std::log(prod[3])));
}

}  // namespace

float SpectralShape::flatness(std::span<const float> mag, double amin, double power) {
  const std::size_t n = freq_.size();
  if (mag.size() != n) throw std::invalid_argument("SpectralShape: wrong frame size");
  if (amin <= 0) throw std::invalid_argument("SpectralShape: amin must be strictly positive");
  // amin keeps every value positive and normal (numpy: a Python float next to float32 is float32).
  const auto amin_f = std::max(static_cast<float>(amin), std::numeric_limits<float>::min());
  float* thresh = scratch_f_.data();
  if (power == 2.0) {
    for (std::size_t k = 0; k < n; ++k) thresh[k] = std::max(amin_f, mag[k] * mag[k]);
  } else {
    const auto power_f = static_cast<float>(power);
    for (std::size_t k = 0; k < n; ++k) thresh[k] = std::max(amin_f, std::pow(mag[k], power_f));
  }
  // gmean = exp(np.mean(np.log(S_thresh))) and amean = np.mean(S_thresh), float32; numpy's mean
  // divides its float32 sum by the count in double.
  const auto count = static_cast<double>(n);
  const auto mean_log = static_cast<float>(sum_log(thresh, n) / count);
  const auto amean = static_cast<float>(static_cast<double>(pairwise_sum(thresh, n)) / count);
  return std::exp(mean_log) / amean;
}

}  // namespace trackprint::dsp
