#include "dsp/spectral.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "dsp/mel.hpp"
#include "dsp/numpy_sum.hpp"

namespace trackprint::dsp {

SpectralShape::SpectralShape(double sr, std::size_t n_fft)
    : freq_(fft_frequencies(sr, n_fft)),
      scratch_d_(freq_.size()),
      scratch_f_(freq_.size()),
      scratch_f2_(freq_.size()) {}

double SpectralShape::centroid(std::span<const float> mag) {
  const std::size_t n = freq_.size();
  if (mag.size() != n) throw std::invalid_argument("SpectralShape: wrong frame size");
  // util.normalize(S, norm=1, axis=-2): the length is a float64 pairwise sum of |S|.
  for (std::size_t k = 0; k < n; ++k) scratch_d_[k] = static_cast<double>(mag[k]);
  double length = pairwise_sum(scratch_d_.data(), n);
  if (length < static_cast<double>(std::numeric_limits<float>::min())) length = 1.0;
  for (std::size_t k = 0; k < n; ++k) {
    const auto s_norm = static_cast<float>(static_cast<double>(mag[k]) / length);
    scratch_d_[k] = freq_[k] * static_cast<double>(s_norm);
  }
  return pairwise_sum(scratch_d_.data(), n);
}

double SpectralShape::rolloff(std::span<const float> mag, double roll_percent) const {
  const std::size_t n = freq_.size();
  if (mag.size() != n) throw std::invalid_argument("SpectralShape: wrong frame size");
  if (!(roll_percent > 0.0 && roll_percent < 1.0)) {
    throw std::invalid_argument("SpectralShape: roll_percent must lie in (0, 1)");
  }
  float total = 0.0f;
  for (float v : mag) total += v;
  const float threshold = static_cast<float>(roll_percent) * total;
  float cum = 0.0f;
  for (std::size_t k = 0; k < n; ++k) {
    cum += mag[k];
    if (!(cum < threshold)) return freq_[k];
  }
  return std::numeric_limits<double>::quiet_NaN();  // np.nanmin of all-NaN (unreachable for S>=0)
}

float SpectralShape::flatness(std::span<const float> mag, double amin, double power) {
  const std::size_t n = freq_.size();
  if (mag.size() != n) throw std::invalid_argument("SpectralShape: wrong frame size");
  if (amin <= 0) throw std::invalid_argument("SpectralShape: amin must be strictly positive");
  const auto amin_f = static_cast<float>(amin);
  const auto power_f = static_cast<float>(power);
  for (std::size_t k = 0; k < n; ++k) {
    const float p = power == 2.0 ? mag[k] * mag[k] : std::pow(mag[k], power_f);
    scratch_f_[k] = std::max(amin_f, p);
    scratch_f2_[k] = std::log(scratch_f_[k]);
  }
  // np.mean along the contiguous frequency axis: float32 pairwise sum, / count via double.
  const auto count = static_cast<double>(n);
  const auto mean_log =
      static_cast<float>(static_cast<double>(pairwise_sum(scratch_f2_.data(), n)) / count);
  const auto amean =
      static_cast<float>(static_cast<double>(pairwise_sum(scratch_f_.data(), n)) / count);
  return std::exp(mean_log) / amean;
}

}  // namespace trackprint::dsp
