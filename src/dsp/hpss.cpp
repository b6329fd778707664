#include "dsp/hpss.hpp"

#include <algorithm>
#include <complex>
#include <limits>
#include <stdexcept>
#include <vector>

#include "dsp/istft.hpp"
#include "dsp/median_filter.hpp"

namespace trackprint::dsp {
namespace {

// librosa.decompose.hpss defaults: kernel_size=31 for both filters.
constexpr std::size_t kRadius = 15;

}  // namespace

HpssMasks hpss_soft_masks(float harm, float perc) {
  const float z = std::max(harm, perc);
  if (z < std::numeric_limits<float>::min()) return {0.5f, 0.5f};
  const float h = harm / z;
  const float p = perc / z;
  const float h2 = h * h;  // (X / Z) ** 2.0: numpy squares
  const float p2 = p * p;
  return {h2 / (h2 + p2), p2 / (p2 + h2)};
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
  auto add_energy = [](std::span<const float> part, double& sum) {
    for (float v : part) sum += static_cast<double>(v) * static_cast<double>(v);
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
    const std::complex<float>* spec = s.data.data() + t * n_bins;
    for (std::size_t b = 0; b < n_bins; ++b) {
      const HpssMasks m = hpss_soft_masks(harm[b], perc[b]);
      const float a = row[b];
      const bool zero = a == 0.0f;
      const float nonzero = zero ? 1.0f : a;
      const float phase_re = spec[b].real() / nonzero + (zero ? 1.0f : 0.0f);
      const float phase_im = spec[b].imag() / nonzero;
      const float h = a * m.harmonic;
      const float p = a * m.percussive;
      harm_spec[b] = {h * phase_re, h * phase_im};
      perc_spec[b] = {p * phase_re, p * phase_im};
    }
    add_energy(inv_h.push(harm_spec), energy.harmonic);
    add_energy(inv_p.push(perc_spec), energy.percussive);
  }
  add_energy(inv_h.finish(), energy.harmonic);
  add_energy(inv_p.finish(), energy.percussive);
  return energy;
}

}  // namespace trackprint::dsp
