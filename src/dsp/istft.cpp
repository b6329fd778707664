// The overlap-add kernel is compiled once per instruction set by Highway (foreach_target) and
// picked at run time; it does the same IEEE operations on every target, so the same bits.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "dsp/istft.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace trackprint::dsp {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// acc[i] += window[i] * (x[i] * scale), Lanes(d) at a time: the frame (float32 irfft, scaled)
// times the float64 window is float64; adding it to the float32 buffer rounds once.
template <class D>
HWY_INLINE void overlap_add_lanes(D d, float* HWY_RESTRICT acc, const double* HWY_RESTRICT window,
                                  const float* HWY_RESTRICT x, float scale) {
  const hn::Rebind<float, D> df;
  const auto frame = hn::Mul(hn::LoadU(d, window),
                             hn::PromoteTo(d, hn::Mul(hn::LoadU(df, x), hn::Set(df, scale))));
  hn::StoreU(hn::DemoteTo(df, hn::Add(hn::PromoteTo(d, hn::LoadU(df, acc)), frame)), df, acc);
}

void OverlapAdd(float* acc, const double* window, const float* x, float scale, std::size_t n) {
  const hn::ScalableTag<double> d;
  const std::size_t w = hn::Lanes(d);
  std::size_t i = 0;
  for (; i + w <= n; i += w) overlap_add_lanes(d, acc + i, window + i, x + i, scale);
  const hn::CappedTag<double, 1> d1;
  for (; i < n; ++i) overlap_add_lanes(d1, acc + i, window + i, x + i, scale);
}

}  // namespace HWY_NAMESPACE
}  // namespace trackprint::dsp
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <algorithm>
#include <limits>
#include <stdexcept>

#include "dsp/istft.hpp"

namespace trackprint::dsp {
HWY_EXPORT(OverlapAdd);

namespace {
std::size_t checked_n_fft(std::size_t n_fft, std::size_t hop) {
  if (n_fft == 0 || hop == 0 || hop > n_fft) throw std::invalid_argument("istft: bad n_fft/hop");
  return n_fft;
}

// Frames the overlap-add buffer holds before its live part moves back to the start.
constexpr std::size_t kAccFrames = 8;
}  // namespace

InverseStft::InverseStft(std::size_t n_fft, std::size_t hop, std::size_t stft_frames,
                         std::size_t length, bool center)
    : InverseStft(n_fft, hop, center) {
  set_extent(stft_frames, length);
}

InverseStft::InverseStft(std::size_t n_fft, std::size_t hop, bool center)
    : n_fft_(checked_n_fft(n_fft, hop)),
      hop_(hop),
      offset_(center ? n_fft / 2 : 0),
      window_(hann_window(n_fft)),
      fft_(n_fft),
      acc_(n_fft + kAccFrames * hop, 0.0f) {
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
  // librosa divides only where window_sumsquare > tiny; dividing by 1 instead is exact.
  wss_divisor_.resize(hop);
  for (std::size_t r = 0; r < hop; ++r) {
    wss_divisor_[r] = wss_steady_[r] > std::numeric_limits<float>::min() ? wss_steady_[r] : 1.0f;
  }
  out_.reserve(hop);
  emitted_ = offset_;
}

void InverseStft::set_extent(std::size_t stft_frames, std::size_t length) {
  if (length > 0) {
    // librosa: n_frames = min(S.shape[-1], ceil(padded_length / hop_length)).
    const std::size_t padded = length + 2 * offset_;
    n_frames_ = std::min(stft_frames, (padded + hop_ - 1) / hop_);
    length_ = length;
  } else {
    n_frames_ = stft_frames;
    const std::size_t covered = n_frames_ == 0 ? 0 : n_fft_ + hop_ * (n_frames_ - 1);
    length_ = covered > 2 * offset_ ? covered - 2 * offset_ : 0;
  }
  if (frames_pushed_ > n_frames_) throw std::logic_error("istft: more frames than frame_count()");
  steady_end_ = n_frames_ * hop_;
  out_end_ = offset_ + length_;
}

float InverseStft::window_sumsquare(std::size_t m) const {
  // librosa.filters.window_sumsquare: a float32 buffer, += each frame's float64 window**2.
  if (m + 1 >= n_fft_ && m < steady_end_) return wss_steady_[m % hop_];
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
  const std::size_t end = std::min(m_end, out_end_);
  out_.resize(end > emitted_ ? end - emitted_ : 0);
  const std::size_t steady_begin = n_fft_ - 1, steady_end = steady_end_;
  if (emitted_ % hop_ == 0 && end > emitted_ && end - emitted_ <= hop_ &&
      emitted_ >= steady_begin && end <= steady_end && emitted_ >= base_ && end - base_ <= n_fft_) {
    // Every frame that overlaps these samples exists: one whole hop of the steady state.
    const float* __restrict acc = acc_.data() + pos_ + (emitted_ - base_);
    const float* __restrict wss = wss_divisor_.data();
    float* __restrict out = out_.data();
    for (std::size_t i = 0; i < end - emitted_; ++i) out[i] = acc[i] / wss[i];
    emitted_ = end;
    return;
  }
  const float tiny = std::numeric_limits<float>::min();  // util.tiny(float32)
  std::size_t r = emitted_ % hop_;  // kept in step with m: no division per sample
  for (std::size_t m = emitted_; m < end; ++m) {
    float v = m - base_ < n_fft_ ? acc_[pos_ + (m - base_)] : 0.0f;
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
  return push_input();
}

std::span<const float> InverseStft::push_input() {
  if (frames_pushed_ >= n_frames_) throw std::logic_error("istft: more frames than frame_count()");
  fft_.inverse();  // unnormalised; irfft divides by n (a power of two for 2048: exact)
  const float scale = 1.0f / static_cast<float>(n_fft_);
  HWY_DYNAMIC_DISPATCH(OverlapAdd)(acc_.data() + pos_, window_.data(), fft_.input(), scale, n_fft_);
  ++frames_pushed_;
  // No later frame reaches before base_ + hop: those samples are final.
  emit_until(base_ + hop_);
  base_ += hop_;
  pos_ += hop_;
  if (pos_ + n_fft_ > acc_.size()) {
    // Move the live part (what later frames add to) back to the start; past it all is zero.
    const auto live = static_cast<std::ptrdiff_t>(n_fft_ - hop_);
    const auto from = acc_.begin() + static_cast<std::ptrdiff_t>(pos_);
    std::copy(from, from + live, acc_.begin());
    std::fill(acc_.begin() + live, acc_.end(), 0.0f);
    pos_ = 0;
  }
  return out_;
}

std::span<const float> InverseStft::finish() {
  if (n_frames_ == kUnknown) throw std::logic_error("istft: finish() before the extent is known");
  emit_until(out_end_);
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
#endif  // HWY_ONCE
