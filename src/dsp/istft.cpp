#include "dsp/istft.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace trackprint::dsp {
namespace {
std::size_t checked_n_fft(std::size_t n_fft, std::size_t hop) {
  if (n_fft == 0 || hop == 0 || hop > n_fft) throw std::invalid_argument("istft: bad n_fft/hop");
  return n_fft;
}
}  // namespace

InverseStft::InverseStft(std::size_t n_fft, std::size_t hop, std::size_t stft_frames,
                         std::size_t length, bool center)
    : n_fft_(checked_n_fft(n_fft, hop)),
      hop_(hop),
      offset_(center ? n_fft / 2 : 0),
      window_(hann_window(n_fft)),
      fft_(n_fft),
      acc_(n_fft, 0.0f) {
  if (length > 0) {
    // librosa: n_frames = min(S.shape[-1], ceil(padded_length / hop_length)).
    const std::size_t padded = length + 2 * offset_;
    n_frames_ = std::min(stft_frames, (padded + hop - 1) / hop);
    length_ = length;
  } else {
    n_frames_ = stft_frames;
    const std::size_t covered = n_frames_ == 0 ? 0 : n_fft + hop * (n_frames_ - 1);
    length_ = covered > 2 * offset_ ? covered - 2 * offset_ : 0;
  }
  window_sq_.resize(n_fft);
  for (std::size_t i = 0; i < n_fft; ++i) window_sq_[i] = window_[i] * window_[i];
  // Away from both ends every position is covered by the frames at offsets r, r + hop, ... < n_fft
  // (r = m % hop); they are added in frame order, i.e. from the largest offset down.
  wss_steady_.resize(hop);
  for (std::size_t r = 0; r < hop; ++r) {
    float sum = 0.0f;
    for (std::size_t k = (n_fft - 1 - r) / hop + 1; k-- > 0;) {
      sum = static_cast<float>(static_cast<double>(sum) + window_sq_[r + k * hop]);
    }
    wss_steady_[r] = sum;
  }
  out_.reserve(hop);
  emitted_ = offset_;
}

float InverseStft::window_sumsquare(std::size_t m) const {
  // librosa.filters.window_sumsquare: a float32 buffer, += each frame's float64 window**2.
  if (m + 1 >= n_fft_ && m < n_frames_ * hop_) return wss_steady_[m % hop_];
  if (n_frames_ == 0) return 0.0f;  // (and the sum below would be empty)
  const std::size_t t_lo = m >= n_fft_ ? (m - n_fft_) / hop_ + 1 : 0;
  const std::size_t t_hi = std::min(m / hop_, n_frames_ - 1);
  float sum = 0.0f;
  for (std::size_t t = t_lo; t <= t_hi; ++t) {
    sum = static_cast<float>(static_cast<double>(sum) + window_sq_[m - t * hop_]);
  }
  return sum;
}

void InverseStft::emit_until(std::size_t m_end) {
  const std::size_t end = std::min(m_end, offset_ + length_);
  out_.resize(end > emitted_ ? end - emitted_ : 0);
  const float tiny = std::numeric_limits<float>::min();  // util.tiny(float32)
  const std::size_t steady_begin = n_fft_ - 1, steady_end = n_frames_ * hop_;
  std::size_t r = emitted_ % hop_;  // kept in step with m: no division per sample
  for (std::size_t m = emitted_; m < end; ++m) {
    float v = m - base_ < acc_.size() ? acc_[m - base_] : 0.0f;
    const float wss = m >= steady_begin && m < steady_end ? wss_steady_[r] : window_sumsquare(m);
    if (wss > tiny) v /= wss;
    out_[m - emitted_] = v;
    if (++r == hop_) r = 0;
  }
  emitted_ = std::max(emitted_, end);
}

std::span<const float> InverseStft::push(std::span<const std::complex<float>> bins) {
  if (frames_pushed_ >= n_frames_) throw std::logic_error("istft: more frames than frame_count()");
  if (bins.size() != n_fft_ / 2 + 1) throw std::invalid_argument("istft: bins != n_fft/2+1");
  std::copy(bins.begin(), bins.end(), fft_.output());
  fft_.inverse();  // unnormalised; irfft divides by n (a power of two for 2048: exact)
  const float* x = fft_.input();
  const float scale = 1.0f / static_cast<float>(n_fft_);
  for (std::size_t i = 0; i < n_fft_; ++i) {
    // ytmp = ifft_window (float64) * irfft (float32) is float64; y (float32) += ytmp rounds once.
    const double frame = window_[i] * static_cast<double>(x[i] * scale);
    acc_[i] = static_cast<float>(static_cast<double>(acc_[i]) + frame);
  }
  ++frames_pushed_;
  // No later frame reaches before base_ + hop: those samples are final.
  emit_until(base_ + hop_);
  std::copy(acc_.begin() + static_cast<std::ptrdiff_t>(hop_), acc_.end(), acc_.begin());
  std::fill(acc_.end() - static_cast<std::ptrdiff_t>(hop_), acc_.end(), 0.0f);
  base_ += hop_;
  return out_;
}

std::span<const float> InverseStft::finish() {
  emit_until(offset_ + length_);
  return out_;
}

std::vector<float> istft(const Spectrogram& s, std::size_t hop, std::size_t length, bool center) {
  const std::size_t n_fft = s.n_bins == 0 ? 0 : 2 * (s.n_bins - 1);
  InverseStft inv(n_fft, hop, s.n_frames, length, center);
  std::vector<float> y;
  y.reserve(inv.length());
  for (std::size_t t = 0; t < inv.frame_count(); ++t) {
    const std::span<const float> part = inv.push(s.frame(t));
    y.insert(y.end(), part.begin(), part.end());
  }
  const std::span<const float> rest = inv.finish();
  y.insert(y.end(), rest.begin(), rest.end());
  return y;
}

}  // namespace trackprint::dsp
