#include "dsp/stft.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "dsp/numpy_abs.hpp"

namespace trackprint::dsp {

std::vector<double> hann_window(std::size_t n) {
  std::vector<double> w(n);
  // scipy's general_cosine evaluates 0.5 - 0.5 cos(2 pi k / n) over k = 0..n-1 (periodic).
  for (std::size_t k = 0; k < n; ++k) {
    w[k] = 0.5 -
           0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(n));
  }
  return w;
}

std::size_t stft_frame_count(std::size_t length, std::size_t n_fft, std::size_t hop, bool center) {
  const std::size_t padded = center ? length + 2 * (n_fft / 2) : length;
  if (padded < n_fft) return 0;
  return 1 + (padded - n_fft) / hop;
}

FrameTransform::FrameTransform(std::size_t n_fft, std::size_t hop, bool center)
    : n_fft_(n_fft), hop_(hop), center_(center), window_(hann_window(n_fft)), fft_(n_fft) {}

void FrameTransform::transform(std::span<const float> y, std::size_t t,
                               std::span<std::complex<float>> out) {
  double* in = fft_.input();
  // Position of frame t's first sample in y (negative inside the left zero padding).
  const std::ptrdiff_t start = static_cast<std::ptrdiff_t>(t * hop_) -
                               (center_ ? static_cast<std::ptrdiff_t>(n_fft_ / 2) : 0);
  const auto len = static_cast<std::ptrdiff_t>(y.size());
  for (std::size_t i = 0; i < n_fft_; ++i) {
    const std::ptrdiff_t j = start + static_cast<std::ptrdiff_t>(i);
    const double x =
        (j >= 0 && j < len) ? static_cast<double>(y[static_cast<std::size_t>(j)]) : 0.0;
    in[i] = window_[i] * x;
  }
  finish_transform(out);
}

void FrameTransform::transform_frame(std::span<const float> frame,
                                     std::span<std::complex<float>> out) {
  double* in = fft_.input();
  for (std::size_t i = 0; i < n_fft_; ++i) in[i] = window_[i] * static_cast<double>(frame[i]);
  finish_transform(out);
}

void FrameTransform::finish_transform(std::span<std::complex<float>> out) {
  fft_.forward();
  const std::complex<double>* spectrum = fft_.output();
  for (std::size_t k = 0; k < out.size(); ++k) {
    out[k] = {static_cast<float>(spectrum[k].real()), static_cast<float>(spectrum[k].imag())};
  }
}

Spectrogram stft(std::span<const float> y, std::size_t n_fft, std::size_t hop, bool center) {
  if (!center && y.size() < n_fft) throw std::invalid_argument("stft: signal shorter than n_fft");
  FrameTransform frames(n_fft, hop, center);
  Spectrogram s;
  s.n_bins = frames.n_bins();
  s.n_frames = frames.frame_count(y.size());
  s.data.resize(s.n_frames * s.n_bins);
  for (std::size_t t = 0; t < s.n_frames; ++t) frames.transform(y, t, s.frame(t));
  return s;
}

std::vector<float> magnitude(const Spectrogram& s) {
  std::vector<float> m(s.data.size());
  numpy_abs(s.data.data(), m.data(), m.size());
  return m;
}

}  // namespace trackprint::dsp
