#include "dsp/mel.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace trackprint::dsp {
namespace {

// librosa.hz_to_mel / mel_to_hz with htk=False (Slaney: linear below 1 kHz, logarithmic above).
constexpr double kFSp = 200.0 / 3;
constexpr double kMinLogHz = 1000.0;
constexpr double kMinLogMel = kMinLogHz / kFSp;
double log_step() {
  return std::log(6.4) / 27.0;
}

double hz_to_mel(double hz) {
  if (hz >= kMinLogHz) return kMinLogMel + std::log(hz / kMinLogHz) / log_step();
  return hz / kFSp;
}

double mel_to_hz(double mel) {
  if (mel >= kMinLogMel) return kMinLogHz * std::exp(log_step() * (mel - kMinLogMel));
  return 0.0 + kFSp * mel;
}

}  // namespace

std::vector<double> fft_frequencies(double sr, std::size_t n_fft) {
  const double d = 1.0 / sr;
  const double val = 1.0 / (static_cast<double>(n_fft) * d);
  std::vector<double> f(n_fft / 2 + 1);
  for (std::size_t k = 0; k < f.size(); ++k) f[k] = static_cast<double>(k) * val;
  return f;
}

std::vector<double> mel_frequencies(std::size_t n, double fmin, double fmax) {
  // np.linspace(min_mel, max_mel, n): k * step + start, the last point set to stop exactly.
  const double lo = hz_to_mel(fmin);
  const double hi = hz_to_mel(fmax);
  std::vector<double> hz(n);
  const double step = n > 1 ? (hi - lo) / static_cast<double>(n - 1) : 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    const double mel = (n > 1 && k == n - 1) ? hi : static_cast<double>(k) * step + lo;
    hz[k] = mel_to_hz(mel);
  }
  return hz;
}

MelFilterbank::MelFilterbank(double sr, std::size_t n_fft, std::size_t n_mels, double fmin,
                             double fmax)
    : n_bins_(n_fft / 2 + 1) {
  if (n_mels == 0) throw std::invalid_argument("MelFilterbank: n_mels must be positive");
  const std::vector<double> fftfreqs = fft_frequencies(sr, n_fft);
  const std::vector<double> mel_f = mel_frequencies(n_mels + 2, fmin, fmax);
  std::vector<float> row(n_bins_);
  offset_.push_back(0);
  for (std::size_t i = 0; i < n_mels; ++i) {
    const double fdiff_lo = mel_f[i + 1] - mel_f[i];
    const double fdiff_hi = mel_f[i + 2] - mel_f[i + 1];
    const double enorm = 2.0 / (mel_f[i + 2] - mel_f[i]);
    for (std::size_t k = 0; k < n_bins_; ++k) {
      const double lower = -(mel_f[i] - fftfreqs[k]) / fdiff_lo;
      const double upper = (mel_f[i + 2] - fftfreqs[k]) / fdiff_hi;
      // weights[i] = max(0, min(lower, upper)) stored as float32; then weights *= enorm, which
      // numpy computes in double and rounds back to float32.
      const auto w = static_cast<float>(std::max(0.0, std::min(lower, upper)));
      row[k] = static_cast<float>(static_cast<double>(w) * enorm);
    }
    const auto nz = [](float v) { return v != 0.0f; };
    const auto first = std::find_if(row.begin(), row.end(), nz);
    const auto last = std::find_if(row.rbegin(), row.rend(), nz).base();
    first_.push_back(static_cast<std::size_t>(first - row.begin()));
    if (first < last) weights_.insert(weights_.end(), first, last);
    offset_.push_back(weights_.size());
  }
}

std::vector<float> MelFilterbank::dense() const {
  std::vector<float> d(n_mels() * n_bins_, 0.0f);
  for (std::size_t m = 0; m < n_mels(); ++m) {
    std::copy(weights_.begin() + static_cast<std::ptrdiff_t>(offset_[m]),
              weights_.begin() + static_cast<std::ptrdiff_t>(offset_[m + 1]),
              d.begin() + static_cast<std::ptrdiff_t>(m * n_bins_ + first_[m]));
  }
  return d;
}

void MelFilterbank::apply(std::span<const float> power, std::span<float> out) const {
  apply(power, out, 1);
}

void MelFilterbank::apply(std::span<const float> power, std::span<float> out,
                          std::size_t count) const {
  const std::size_t n_mels = this->n_mels();
  if (power.size() != count * n_bins_ || out.size() != count * n_mels) {
    throw std::invalid_argument("MelFilterbank::apply: size mismatch");
  }
  std::size_t f = 0;
  // Four frames at a time: four independent accumulation chains per band. Each chain adds the
  // same products in the same order as the one-frame loop below, so the results are identical.
  for (; f + 4 <= count; f += 4) {
    const float* p0 = power.data() + f * n_bins_;
    const float* p1 = p0 + n_bins_;
    const float* p2 = p1 + n_bins_;
    const float* p3 = p2 + n_bins_;
    for (std::size_t m = 0; m < n_mels; ++m) {
      const float* w = weights_.data() + offset_[m];
      const std::size_t first = first_[m];
      const std::size_t n = offset_[m + 1] - offset_[m];
      double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
      for (std::size_t k = 0; k < n; ++k) {
        const auto wk = static_cast<double>(w[k]);
        a0 += wk * static_cast<double>(p0[first + k]);
        a1 += wk * static_cast<double>(p1[first + k]);
        a2 += wk * static_cast<double>(p2[first + k]);
        a3 += wk * static_cast<double>(p3[first + k]);
      }
      float* o = out.data() + f * n_mels + m;
      o[0] = static_cast<float>(a0);
      o[n_mels] = static_cast<float>(a1);
      o[2 * n_mels] = static_cast<float>(a2);
      o[3 * n_mels] = static_cast<float>(a3);
    }
  }
  for (; f < count; ++f) {
    const float* p = power.data() + f * n_bins_;
    for (std::size_t m = 0; m < n_mels; ++m) {
      const float* w = weights_.data() + offset_[m];
      const float* pm = p + first_[m];
      const std::size_t n = offset_[m + 1] - offset_[m];
      double acc = 0.0;
      for (std::size_t k = 0; k < n; ++k) {
        acc += static_cast<double>(w[k]) * static_cast<double>(pm[k]);
      }
      out[f * n_mels + m] = static_cast<float>(acc);
    }
  }
}

}  // namespace trackprint::dsp
