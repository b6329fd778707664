// The power-spectrum kernel is compiled once per instruction set by Highway (foreach_target) and
// picked at run time; it does the same float operations on every target, so the same bits.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "dsp/yin.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace trackprint::dsp {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// util.abs2 on complex64 in place: re**2 + im**2 (float32) in the real part, 0 in the imaginary.
void PowerSpectrum(float* HWY_RESTRICT p, std::size_t n_bins) {
  const hn::ScalableTag<float> d;
  const std::size_t w = hn::Lanes(d);
  std::size_t k = 0;
  for (; k + w <= n_bins; k += w) {
    hn::Vec<decltype(d)> re, im;
    hn::LoadInterleaved2(d, p + 2 * k, re, im);
    hn::StoreInterleaved2(hn::Add(hn::Mul(re, re), hn::Mul(im, im)), hn::Zero(d), d, p + 2 * k);
  }
  for (; k < n_bins; ++k) {
    const float re = p[2 * k], im = p[2 * k + 1];
    p[2 * k] = re * re + im * im;
    p[2 * k + 1] = 0.0f;
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace trackprint::dsp
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <stdexcept>

#include "dsp/fft.hpp"
#include "dsp/yin.hpp"

namespace trackprint::dsp {
HWY_EXPORT(PowerSpectrum);

namespace {

// The autocorrelation's transform length. librosa pads each frame to scipy.fft.next_fast_len(
// 2 * frame_length - 1) (4096 for 2048) so that every lag is exact, but YIN reads only lags up
// to max_period, and a circular autocorrelation of n points is exact for every lag below
// n - frame_length + 1: n = frame_length + max_period suffices (2386 for the engine's 2048 and
// 338). Of the lengths at least that, a power of two or five times one is taken, whose FFTW
// codelets are the fastest: 2560 here, which took YIN to 0.6 of its time with 4096
// (docs/benchmarks.md, fifth pass). The lags read are the same sums; only their rounding
// differs from librosa's longer transform.
std::size_t autocorrelation_length(std::size_t frame_length, std::size_t max_period) {
  const std::size_t needed = frame_length + max_period;
  std::size_t n = 1;
  while (n < needed) n *= 2;
  std::size_t five = 5;
  while (five < needed) five *= 2;
  return std::min(n, five);
}

// Per-frame work buffers, reused across frames: nothing is allocated per frame.
class YinFrame {
 public:
  YinFrame(std::size_t frame_length, std::size_t min_period, std::size_t max_period)
      : n_(frame_length),
        min_period_(min_period),
        max_period_(max_period),
        fft_(autocorrelation_length(frame_length, max_period)),
        frame_(fft_.size()),
        spectrum_(fft_.size() / 2 + 1),
        acf_(fft_.size()),
        diff_(max_period + 1),
        cumulative_(max_period + 1),
        lag_(max_period + 1),
        cmnd_(max_period - min_period + 1) {
    for (std::size_t k = 0; k <= max_period; ++k) lag_[k] = static_cast<double>(k);
  }

  // The frame to fill (frame_length values); the zero padding after it is never written.
  float* frame() { return frame_.data(); }

  // librosa.core.pitch._cumulative_mean_normalized_difference on frame(), then the trough
  // search of librosa.yin. Returns the period in samples (with the parabolic shift).
  double period() {
    const float* frame = frame_.data();
    autocorrelate();
    const float* acf = acf_.data();

    // yin_frames = cumsum(square(frame)) in float32, then row 0 is zeroed *before* it is used as
    // the subtrahend, so lag k subtracts energy(0..k-1) with x[0]**2 left out at k = 1.
    // yin[k] = 2 * (acf[0] - acf[k]) - cumsum[k-1], all float32. cumulative_mean =
    // cumsum(yin[1:]) (float32, sequential like np.cumsum) / k.
    float energy = frame[0] * frame[0];  // cumsum[k-1]
    float running = 0.0f;
    diff_[0] = 0.0f;
    for (std::size_t k = 1; k <= max_period_; ++k) {
      if (k >= 2) energy += frame[k - 1] * frame[k - 1];
      diff_[k] = 2.0f * (acf[0] - acf[k]) - (k == 1 ? 0.0f : energy);
      running += diff_[k];
      cumulative_[k] = running;
    }
    // The ratio is float64 (k is int64 -> float64) with tiny(float64) added to the denominator;
    // no loop-carried dependence here, so it vectorises.
    constexpr double kTiny = std::numeric_limits<double>::min();
    const float* d = diff_.data() + min_period_;
    const float* c = cumulative_.data() + min_period_;
    const double* lag = lag_.data() + min_period_;
    double* out = cmnd_.data();
    const std::size_t n = cmnd_.size();
    for (std::size_t i = 0; i < n; ++i) {
      out[i] = static_cast<double>(d[i]) / (static_cast<double>(c[i]) / lag[i] + kTiny);
    }
    // min_period + yin_period (integers) + parabolic shift, in that order.
    const std::size_t i = pick();
    return static_cast<double>(min_period_ + i) + parabolic_shift(i);
  }

  // Whether the last period() found a trough below the threshold.
  bool voiced() const { return voiced_; }

 private:
  // librosa.autocorrelate(frame, max_size=max_period+1): irfft(|rfft(frame, n_pad)|**2) in float32
  // (scipy.fft keeps single precision), n_pad being autocorrelation_length(); the first
  // max_period+1 lags end up in acf_.
  void autocorrelate() {
    fft_.forward(frame_.data(), spectrum_.data());
    HWY_DYNAMIC_DISPATCH(PowerSpectrum)
    (reinterpret_cast<float*>(spectrum_.data()), spectrum_.size());
    fft_.inverse(spectrum_.data(), acf_.data());  // c2r: spectrum_ is overwritten
    const float scale = 1.0f / static_cast<float>(fft_.size());
    for (std::size_t j = 0; j <= max_period_; ++j) acf_[j] *= scale;
  }

  // librosa.core.pitch._parabolic_interpolation at lag index i: the numba stencil on interior
  // points, 0 at both ends. librosa computes it for every lag; only the chosen one is needed.
  double parabolic_shift(std::size_t i) const {
    const std::vector<double>& x = cmnd_;
    if (i == 0 || i + 1 >= x.size()) return 0.0;
    const double a = x[i + 1] + x[i - 1] - 2 * x[i];
    const double b = (x[i + 1] - x[i - 1]) / 2;
    return std::abs(b) >= std::abs(a) ? 0.0 : -b / a;
  }

  // librosa.yin's choice among the candidate lags (index into cmnd_).
  std::size_t pick() {
    const std::vector<double>& x = cmnd_;
    const std::size_t n = x.size();
    // util.localmin (x[i] < x[i-1] and x[i] <= x[i+1]; last: x[-1] < x[-2]), with row 0
    // overwritten by x[0] < x[1]; the first such trough below the threshold wins.
    constexpr double kTroughThreshold = 0.1;
    for (std::size_t i = 0; i < n; ++i) {
      bool trough;
      if (i == 0) {
        trough = n > 1 && x[0] < x[1];
      } else if (i + 1 == n) {
        trough = x[i] < x[i - 1];
      } else {
        trough = x[i] < x[i - 1] && x[i] <= x[i + 1];
      }
      if (trough && x[i] < kTroughThreshold) {
        voiced_ = true;
        return i;
      }
    }
    // No trough below the threshold: np.argmin (first occurrence of the minimum).
    voiced_ = false;
    return static_cast<std::size_t>(std::min_element(x.begin(), x.end()) - x.begin());
  }

  std::size_t n_, min_period_, max_period_;
  RealFft<float> fft_;
  AlignedBuffer<float> frame_;  // frame_length samples, then zeros up to the FFT size
  AlignedBuffer<std::complex<float>> spectrum_;
  AlignedBuffer<float> acf_;
  std::vector<float> diff_, cumulative_;
  std::vector<double> lag_;  // k as float64
  std::vector<double> cmnd_;
  bool voiced_ = false;
};

}  // namespace

struct YinTracker::Work {
  Work(std::size_t frame_length, std::size_t min_period, std::size_t max_period)
      : frame(frame_length, min_period, max_period) {}
  YinFrame frame;
};

YinTracker::YinTracker(double sr, double fmin, double fmax, std::size_t frame_length,
                       std::size_t hop)
    : frames_((hop == 0 ? 1 : frame_length), (hop == 0 ? 1 : hop), FrameStream::Edges::centred),
      sr_(sr) {
  // librosa.core.pitch.__check_yin_params
  if (fmax > sr / 2) throw std::invalid_argument("yin: fmax exceeds Nyquist");
  if (fmin >= fmax) throw std::invalid_argument("yin: fmin must be less than fmax");
  if (fmin <= 0) throw std::invalid_argument("yin: fmin must be positive");
  if (sr / fmin >= static_cast<double>(frame_length) - 1) {
    throw std::invalid_argument("yin: fmin too small for frame_length");
  }
  if (hop == 0) throw std::invalid_argument("yin: hop must be positive");
  const auto min_period = static_cast<std::size_t>(std::floor(sr / fmax));
  const std::size_t max_period =
      std::min(static_cast<std::size_t>(std::ceil(sr / fmin)), frame_length - 1);
  work_ = std::make_unique<Work>(frame_length, min_period, max_period);
}

YinTracker::~YinTracker() = default;

void YinTracker::push(std::span<const float> y) {
  in_pieces(y, [this](std::span<const float> piece) {
    frames_.push(piece);
    drain();
  });
}

void YinTracker::finish() {
  frames_.finish();
  drain();
}

// Frames are centred with frame_length/2 zeros on both sides (pad_mode="constant"), giving
// 1 + (len + 2*(frame_length/2) - frame_length) // hop frames, as util.frame does.
void YinTracker::drain() {
  std::span<const float> x;
  while (frames_.next(x)) {
    std::copy(x.begin(), x.end(), work_->frame.frame());
    f0_.push_back(sr_ / work_->frame.period());
    if (keep_voicing_) voiced_.push_back(work_->frame.voiced() ? 1 : 0);
  }
}

std::vector<double> yin(std::span<const float> y, double sr, double fmin, double fmax,
                        std::size_t frame_length, std::size_t hop) {
  YinTracker tracker(sr, fmin, fmax, frame_length, hop);
  tracker.push(y);
  tracker.finish();
  return tracker.f0();
}

}  // namespace trackprint::dsp
#endif  // HWY_ONCE
