#include "dsp/tuning.hpp"

#include <algorithm>
#include <cmath>

namespace trackprint::dsp {
namespace {

// piptrack's peak at bin k of one frame `s` (n_bins values): the parabolic shift of
// _parabolic_interpolation and the magnitude S + dskew. The arithmetic follows numba's typing of
// _pi_stencil (float32 sums, the `2 * x[0]` term and the division in double) and numpy's float32
// np.gradient, so that the float32 results are the reference's.
struct Peak {
  float pitch;
  float mag;
};

Peak parabolic_peak(const float* s, std::size_t k, std::size_t n_bins, double sr,
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

// np.median of float32 values: the middle one, or the float32 mean of the middle two.
float median(std::vector<float> v) {
  const std::size_t n = v.size();
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(v.begin(), mid, v.end());
  const float upper = *mid;
  if (n % 2 == 1) return upper;
  const float lower = *std::max_element(v.begin(), mid);
  return (lower + upper) / 2.0f;
}

}  // namespace

double estimate_tuning(std::span<const float> magnitude, std::size_t n_frames, std::size_t n_fft,
                       double sr, int bins_per_octave) {
  const std::size_t n_bins = n_fft / 2 + 1;
  // convert.fft_frequencies is np.fft.rfftfreq(n_fft, 1/sr): k * (1 / (n_fft * (1 / sr))).
  const double bin_hz = 1.0 / (static_cast<double>(n_fft) * (1.0 / sr));
  const double fmin = 150.0;
  const double fmax = std::min(4000.0, sr / 2.0);

  // Bins inside [fmin, fmax): only these can hold a peak; localmax also reads one bin either side.
  std::size_t k_lo = 1;
  while (k_lo < n_bins && static_cast<double>(k_lo) * bin_hz < fmin) ++k_lo;
  std::size_t k_hi = k_lo;
  while (k_hi < n_bins && static_cast<double>(k_hi) * bin_hz < fmax) ++k_hi;
  if (k_lo >= k_hi) return 0.0;
  const std::size_t g_end = std::min(k_hi + 1, n_bins);

  std::vector<Peak> peaks;
  std::vector<float> gated(n_bins);
  for (std::size_t t = 0; t < n_frames; ++t) {
    const float* s = magnitude.data() + t * n_bins;
    // ref = threshold * max(S) per frame, over all bins; float32 (0.1 is a weak Python scalar
    // under NEP 50). S * (S > ref) zeroes everything at or below it.
    const float ref = 0.1f * *std::max_element(s, s + n_bins);
    for (std::size_t k = k_lo - 1; k < g_end; ++k) gated[k] = s[k] > ref ? s[k] : 0.0f;
    for (std::size_t k = k_lo; k < k_hi; ++k) {
      // util.localmax: x[k] > x[k-1] and x[k] >= x[k+1]; the last bin only needs the first
      // condition and bin 0 is never a maximum (numba stencil border).
      const bool is_max = gated[k] > gated[k - 1] && (k + 1 == n_bins || gated[k] >= gated[k + 1]);
      if (is_max) peaks.push_back(parabolic_peak(s, k, n_bins, sr, n_fft));
    }
  }

  // estimate_tuning: keep peaks whose magnitude reaches the median over all peaks (pitch > 0).
  std::vector<float> mags;
  mags.reserve(peaks.size());
  for (const Peak& p : peaks) {
    if (p.pitch > 0.0f) mags.push_back(p.mag);
  }
  const float threshold = mags.empty() ? 0.0f : median(std::move(mags));
  std::vector<float> selected;
  for (const Peak& p : peaks) {
    if (p.pitch > 0.0f && p.mag >= threshold) selected.push_back(p.pitch);
  }
  return pitch_tuning(selected, bins_per_octave);
}

double pitch_tuning(std::span<const float> frequencies, int bins_per_octave) {
  // np.linspace(-0.5, 0.5, 101): i * 0.01 - 0.5, the last edge set to exactly 0.5.
  constexpr std::size_t kBins = 100;
  double edges[kBins + 1];
  for (std::size_t i = 0; i < kBins; ++i) edges[i] = static_cast<double>(i) * (1.0 / 100.0) + -0.5;
  edges[kBins] = 0.5;

  std::size_t counts[kBins] = {};
  bool any = false;
  const auto bpo = static_cast<float>(bins_per_octave);
  for (float f : frequencies) {
    if (!(f > 0.0f)) continue;
    any = true;
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
    if (r < edges[0] || r > edges[kBins]) continue;
    // np.histogram with explicit edges: [e_i, e_i+1), the last bin closed.
    auto bin = static_cast<std::size_t>(std::upper_bound(edges, edges + kBins + 1, r) - edges) - 1;
    if (bin == kBins) bin = kBins - 1;
    ++counts[bin];
  }
  if (!any) return 0.0;  // librosa warns and returns 0.0
  return edges[std::max_element(counts, counts + kBins) - counts];
}

}  // namespace trackprint::dsp
