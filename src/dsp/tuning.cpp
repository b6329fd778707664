// The per-frame kernels (the frame's maximum, the gate, the local maxima) are compiled once per
// instruction set by Highway (foreach_target) and picked at run time; they only compare and
// select, so every target gives the same bits.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "dsp/tuning.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace trackprint::dsp {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// The largest of n > 0 finite values (max is exact in any order).
float FrameMax(const float* HWY_RESTRICT s, std::size_t n) {
  const hn::ScalableTag<float> d;
  const std::size_t w = hn::Lanes(d);
  auto m = hn::Set(d, s[0]);
  std::size_t k = 0;
  for (; k + w <= n; k += w) m = hn::Max(m, hn::LoadU(d, s + k));
  float best = hn::GetLane(hn::MaxOfLanes(d, m));
  for (; k < n; ++k) best = best < s[k] ? s[k] : best;
  return best;
}

// gated[k] = s[k] > ref ? s[k] : +0 for k in [from, to).
void Gate(const float* HWY_RESTRICT s, float ref, std::size_t from, std::size_t to,
          float* HWY_RESTRICT gated) {
  const hn::ScalableTag<float> d;
  const std::size_t w = hn::Lanes(d);
  const auto r = hn::Set(d, ref);
  std::size_t k = from;
  for (; k + w <= to; k += w) {
    const auto v = hn::LoadU(d, s + k);
    hn::StoreU(hn::IfThenElseZero(hn::Gt(v, r), v), d, gated + k);
  }
  for (; k < to; ++k) gated[k] = s[k] > ref ? s[k] : 0.0f;
}

// util.localmax inside the frame: the k in [from, to) with g[k] > g[k-1] and g[k] >= g[k+1]
// (from >= 1; g[to] must exist), in increasing order, into `peaks`; returns their count.
std::size_t LocalMaxima(const float* HWY_RESTRICT g, std::size_t from, std::size_t to,
                        std::uint32_t* HWY_RESTRICT peaks) {
  const hn::ScalableTag<float> d;
  const std::size_t w = hn::Lanes(d);
  std::size_t count = 0;
  std::size_t k = from;
  for (; k + w <= to; k += w) {
    const auto v = hn::LoadU(d, g + k);
    const auto is_max =
        hn::And(hn::Gt(v, hn::LoadU(d, g + k - 1)), hn::Ge(v, hn::LoadU(d, g + k + 1)));
    if (hn::AllFalse(d, is_max)) continue;
    std::uint8_t bits[8] = {};
    hn::StoreMaskBits(d, is_max, bits);
    for (std::size_t j = 0; j < w; ++j) {
      if ((bits[j / 8] >> (j % 8)) & 1) peaks[count++] = static_cast<std::uint32_t>(k + j);
    }
  }
  for (; k < to; ++k) {
    if (g[k] > g[k - 1] && g[k] >= g[k + 1]) peaks[count++] = static_cast<std::uint32_t>(k);
  }
  return count;
}

}  // namespace HWY_NAMESPACE
}  // namespace trackprint::dsp
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "dsp/tuning.hpp"

namespace trackprint::dsp {
HWY_EXPORT(FrameMax);
HWY_EXPORT(Gate);
HWY_EXPORT(LocalMaxima);

namespace {

// piptrack's peak at bin k of one frame `s` (n_bins values): the parabolic shift of
// _parabolic_interpolation and the magnitude S + dskew. The arithmetic follows numba's typing of
// _pi_stencil (float32 sums, the `2 * x[0]` term and the division in double) and numpy's float32
// np.gradient, so that the float32 results are the reference's.
struct PipPeak {
  float pitch;
  float mag;
};

PipPeak parabolic_peak(const float* s, std::size_t k, std::size_t n_bins, double sr,
                       std::size_t n_fft) {
  float shift = 0.0f;
  if (k > 0 && k + 1 < n_bins) {
    const double a = static_cast<double>(s[k + 1] + s[k - 1]) - 2.0 * static_cast<double>(s[k]);
    const double b = static_cast<double>(s[k + 1] - s[k - 1]) / 2.0;
    if (std::fabs(b) < std::fabs(a)) shift = static_cast<float>(-b / a);
  }
  // np.gradient along frequency: central differences inside, one-sided at the two edges.
  float avg;
  if (k == 0) {
    avg = s[1] - s[0];
  } else if (k + 1 == n_bins) {
    avg = s[k] - s[k - 1];
  } else {
    avg = (s[k + 1] - s[k - 1]) / 2.0f;
  }
  const float dskew = 0.5f * avg * shift;
  // (idx + shift) is int64 + float32 -> float64 in numpy; the product lands in a float32 array.
  const double pitch =
      (static_cast<double>(k) + static_cast<double>(shift)) * sr / static_cast<double>(n_fft);
  return {static_cast<float>(pitch), s[k] + dskew};
}

// np.linspace(-0.5, 0.5, 101): i * 0.01 - 0.5, the last edge set to exactly 0.5.
constexpr std::size_t kHistBins = 100;
constexpr std::uint8_t kOutside = 255;  // a deviation np.histogram leaves out
static_assert(kHistBins < kOutside);

struct Edges {
  double e[kHistBins + 1];
  Edges() {
    for (std::size_t i = 0; i < kHistBins; ++i)
      e[i] = static_cast<double>(i) * (1.0 / 100.0) + -0.5;
    e[kHistBins] = 0.5;
  }
};
const double* edges() {
  static const Edges e;
  return e.e;
}

// pitch_tuning's histogram bin for one frequency f > 0.
std::uint8_t deviation_bin(float f, float bpo, const double* edges) {
  // hz_to_octs in float32: f / (440 / 16), log2, times bins_per_octave, mod 1. Here log2 is
  // correctly rounded. numpy's float32 log2 is SVML's on AVX-512 machines (glibc's log2f
  // elsewhere, so the reference itself depends on the CPU): on the corpus it differs in ~2 % of
  // peaks by an ulp and moves 0-12 histogram counts per track across a bin edge. That never
  // changed the argmax there, but the top two bins can be 0-1 counts apart, so a track may
  // come out 0.01 off (chroma_energy moves by ~3e-4 then).
  const float octs = static_cast<float>(std::log2(static_cast<double>(f / 27.5f)));
  float residual = std::fmod(bpo * octs, 1.0f);
  if (residual < 0.0f) residual += 1.0f;  // np.mod takes the sign of the divisor
  if (residual >= 0.5f) residual -= 1.0f;
  const auto r = static_cast<double>(residual);
  if (r < edges[0] || r > edges[kHistBins]) return kOutside;
  // np.histogram with explicit edges: [e_i, e_i+1), the last bin closed.
  // The bin is found from a first guess, then checked against the edges themselves.
  std::size_t bin = std::min(static_cast<std::size_t>((r - edges[0]) * 100.0), kHistBins - 1);
  while (bin > 0 && r < edges[bin]) --bin;
  while (bin + 1 < kHistBins && r >= edges[bin + 1]) ++bin;
  return static_cast<std::uint8_t>(bin);
}

}  // namespace

TuningEstimator::TuningEstimator(std::size_t n_fft, double sr, int bins_per_octave)
    : n_fft_(n_fft), n_bins_(n_fft / 2 + 1), sr_(sr), bpo_(static_cast<float>(bins_per_octave)) {
  if (n_fft < 2) throw std::invalid_argument("TuningEstimator: n_fft must be at least 2");
  // convert.fft_frequencies is np.fft.rfftfreq(n_fft, 1/sr): k * (1 / (n_fft * (1 / sr))).
  const double bin_hz = 1.0 / (static_cast<double>(n_fft) * (1.0 / sr));
  const double fmin = 150.0;
  const double fmax = std::min(4000.0, sr / 2.0);
  // Bins inside [fmin, fmax): only these can hold a peak; localmax also reads one bin either side.
  k_lo_ = 1;
  while (k_lo_ < n_bins_ && static_cast<double>(k_lo_) * bin_hz < fmin) ++k_lo_;
  k_hi_ = k_lo_;
  while (k_hi_ < n_bins_ && static_cast<double>(k_hi_) * bin_hz < fmax) ++k_hi_;
  g_end_ = std::min(k_hi_ + 1, n_bins_);
  gated_.assign(n_bins_, 0.0f);
}

void TuningEstimator::push(std::span<const float> magnitude_frame) {
  if (magnitude_frame.size() != n_bins_) {
    throw std::invalid_argument("TuningEstimator: a frame must hold n_fft/2 + 1 values");
  }
  ++n_frames_;
  if (k_lo_ >= k_hi_) return;
  const float* s = magnitude_frame.data();
  // ref = threshold * max(S) per frame, over all bins; float32 (0.1 is a weak Python scalar
  // under NEP 50). S * (S > ref) zeroes everything at or below it.
  const float ref = 0.1f * HWY_DYNAMIC_DISPATCH(FrameMax)(s, n_bins_);
  HWY_DYNAMIC_DISPATCH(Gate)(s, ref, k_lo_ - 1, g_end_, gated_.data());
  // util.localmax: x[k] > x[k-1] and x[k] >= x[k+1]; the last bin only needs the first
  // condition and bin 0 is never a maximum (numba stencil border). The kernel takes the bins
  // whose k + 1 stays inside the gated range and below the last bin.
  const float* gated = gated_.data();
  const std::size_t vec_end = std::max(k_lo_, std::min(k_hi_, n_bins_ - 1));
  peak_bins_.resize(k_hi_ - k_lo_);
  const std::size_t found =
      HWY_DYNAMIC_DISPATCH(LocalMaxima)(gated, k_lo_, vec_end, peak_bins_.data());
  for (std::size_t i = 0; i < found; ++i) add_peak(s, peak_bins_[i]);
  for (std::size_t k = vec_end; k < k_hi_; ++k) {
    if (gated[k] > gated[k - 1] && (k + 1 == n_bins_ || gated[k] >= gated[k + 1])) add_peak(s, k);
  }
}

void TuningEstimator::add_peak(const float* s, std::size_t k) {
  const PipPeak p = parabolic_peak(s, k, n_bins_, sr_, n_fft_);
  // estimate_tuning keeps only pitch > 0 (for the median as for the histogram).
  if (p.pitch > 0.0f) peaks_.push_back({p.mag, deviation_bin(p.pitch, bpo_, edges())});
}

double TuningEstimator::finish() {
  // estimate_tuning: keep peaks whose magnitude reaches the median over all peaks. np.median of
  // float32 values: the middle one, or the float32 mean of the middle two. Histogram counts do
  // not depend on the order of the peaks, so they are partitioned in place.
  const std::size_t n = peaks_.size();
  if (n == 0) return 0.0;  // pitch_tuning of nothing: librosa warns and returns 0.0
  const auto by_mag = [](const Peak& a, const Peak& b) { return a.mag < b.mag; };
  const auto mid = peaks_.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(peaks_.begin(), mid, peaks_.end(), by_mag);
  float threshold = mid->mag;
  if (n % 2 == 0)
    threshold = (std::max_element(peaks_.begin(), mid, by_mag)->mag + threshold) / 2.0f;

  std::size_t counts[kHistBins] = {};
  for (const Peak& p : peaks_) {
    if (p.mag >= threshold && p.bin != kOutside) ++counts[p.bin];
  }
  // At least the median peak passes, so pitch_tuning has frequencies: the argmax's left edge.
  return edges()[std::max_element(counts, counts + kHistBins) - counts];
}

double estimate_tuning(std::span<const float> magnitude, std::size_t n_frames, std::size_t n_fft,
                       double sr, int bins_per_octave) {
  TuningEstimator est(n_fft, sr, bins_per_octave);
  const std::size_t n_bins = n_fft / 2 + 1;
  for (std::size_t t = 0; t < n_frames; ++t) est.push(magnitude.subspan(t * n_bins, n_bins));
  return est.finish();
}

double pitch_tuning(std::span<const float> frequencies, int bins_per_octave) {
  std::size_t counts[kHistBins] = {};
  bool any = false;
  const auto bpo = static_cast<float>(bins_per_octave);
  const double* e = edges();
  for (float f : frequencies) {
    if (!(f > 0.0f)) continue;
    any = true;
    const std::uint8_t bin = deviation_bin(f, bpo, e);
    if (bin != kOutside) ++counts[bin];
  }
  if (!any) return 0.0;  // librosa warns and returns 0.0
  return e[std::max_element(counts, counts + kHistBins) - counts];
}

}  // namespace trackprint::dsp
#endif  // HWY_ONCE
