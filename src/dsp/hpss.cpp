#include "dsp/hpss.hpp"

#include <algorithm>
#include <bit>
#include <complex>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "dsp/istft.hpp"
#include "dsp/median_filter.hpp"

namespace trackprint::dsp {
namespace {

// librosa.decompose.hpss defaults: kernel_size=31 for both filters.
constexpr std::size_t kRadius = 15;

// c ? x : y through the bits. GCC would otherwise keep a division that only one side uses
// behind a branch (it may not speculate an operation that could raise an FP exception), and
// the per-bin loops would not vectorise.
inline float select(bool c, float x, float y) {
  const std::uint32_t m = 0u - static_cast<std::uint32_t>(c);
  return std::bit_cast<float>((std::bit_cast<std::uint32_t>(x) & m) |
                              (std::bit_cast<std::uint32_t>(y) & ~m));
}

}  // namespace

HpssMasks hpss_soft_masks(float harm, float perc) {
  // Branch-free so the per-frame loop vectorises; the unused quotients of a bad bin are ignored.
  const float z = std::max(harm, perc);
  const bool bad = z < std::numeric_limits<float>::min();
  const float z_safe = select(bad, 1.0f, z);  // librosa: Z[bad_idx] = 1
  const float h = harm / z_safe;
  const float p = perc / z_safe;
  const float h2 = h * h;  // (X / Z) ** 2.0: numpy squares
  const float p2 = p * p;
  const float sum = h2 + p2;
  return {select(bad, 0.5f, h2 / sum), select(bad, 0.5f, p2 / sum)};
}

HpssEnergy hpss_energy(const Spectrogram& s, std::span<const float> magnitude, std::size_t hop,
                       std::size_t length) {
  const std::size_t n_frames = s.n_frames;
  const std::size_t n_bins = s.n_bins;
  if (magnitude.size() != s.data.size()) throw std::invalid_argument("hpss: |S| size mismatch");
  HpssEnergy energy;
  if (n_frames == 0 || n_bins < 2) return energy;
  const std::size_t n_fft = 2 * (n_bins - 1);
  const float* mag = magnitude.data();
  const auto bin_stride = static_cast<std::ptrdiff_t>(n_bins);

  // One running median across time per bin (median_filter size (1, 31) on the (bins, frames)
  // matrix), all advanced one frame at a time so each step reads whole rows of |S|.
  std::vector<SlidingMedian> across_time(n_bins, SlidingMedian(kRadius));
  SlidingMedian across_freq(kRadius);  // median_filter size (31, 1), one frame at a time
  std::vector<float> harm(n_bins), perc(n_bins);
  std::vector<std::complex<float>> harm_spec(n_bins), perc_spec(n_bins);

  InverseStft inv_h(n_fft, hop, n_frames, length, true);
  InverseStft inv_p(n_fft, hop, n_frames, length, true);
  // Four running sums: one would make every sample wait for the previous addition.
  double sums_h[4] = {0, 0, 0, 0}, sums_p[4] = {0, 0, 0, 0};
  auto add_energy = [](std::span<const float> part, double(&sums)[4]) {
    std::size_t i = 0;
    for (; i + 4 <= part.size(); i += 4) {
      for (std::size_t k = 0; k < 4; ++k) {
        sums[k] += static_cast<double>(part[i + k]) * static_cast<double>(part[i + k]);
      }
    }
    for (; i < part.size(); ++i)
      sums[0] += static_cast<double>(part[i]) * static_cast<double>(part[i]);
  };

  const auto r = static_cast<std::ptrdiff_t>(kRadius);
  // The istft may use fewer frames than S has, but the filters see all of S, like librosa.
  for (std::size_t t = 0; t < inv_h.frame_count(); ++t) {
    if (t == 0) {
      for (std::size_t b = 0; b < n_bins; ++b) {
        across_time[b].reset({mag + b, bin_stride}, n_frames, 0);
      }
    } else {
      const auto ts = static_cast<std::ptrdiff_t>(t);
      const float* leaving = mag + reflect_index(ts - 1 - r, n_frames) * n_bins;
      const float* entering = mag + reflect_index(ts + r, n_frames) * n_bins;
      for (std::size_t b = 0; b < n_bins; ++b) across_time[b].replace(leaving[b], entering[b]);
    }
    for (std::size_t b = 0; b < n_bins; ++b) harm[b] = across_time[b].median();
    const float* row = mag + t * n_bins;
    median_filter({row, 1}, n_bins, kRadius, {perc.data(), 1}, across_freq);

    // decompose.hpss: S, phase = magphase(S); return (S * mask_harm) * phase, (S * mask_perc) *
    // phase, all complex64/float32. magphase sets phase = 1 where |S| == 0.
    const std::complex<float>* __restrict spec = s.data.data() + t * n_bins;
    const float* __restrict harm_row = harm.data();
    const float* __restrict perc_row = perc.data();
    std::complex<float>* __restrict harm_out = harm_spec.data();
    std::complex<float>* __restrict perc_out = perc_spec.data();
    for (std::size_t b = 0; b < n_bins; ++b) {
      const HpssMasks m = hpss_soft_masks(harm_row[b], perc_row[b]);
      const float a = row[b];
      const bool zero = a == 0.0f;
      const float nonzero = select(zero, 1.0f, a);
      const float phase_re = spec[b].real() / nonzero + select(zero, 1.0f, 0.0f);
      const float phase_im = spec[b].imag() / nonzero;
      const float h = a * m.harmonic;
      const float p = a * m.percussive;
      harm_out[b] = {h * phase_re, h * phase_im};
      perc_out[b] = {p * phase_re, p * phase_im};
    }
    add_energy(inv_h.push(harm_spec), sums_h);
    add_energy(inv_p.push(perc_spec), sums_p);
  }
  add_energy(inv_h.finish(), sums_h);
  add_energy(inv_p.finish(), sums_p);
  energy.harmonic = (sums_h[0] + sums_h[1]) + (sums_h[2] + sums_h[3]);
  energy.percussive = (sums_p[0] + sums_p[1]) + (sums_p[2] + sums_p[3]);
  return energy;
}

}  // namespace trackprint::dsp
