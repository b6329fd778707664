// The 7 band fractions (spec §Frequency) from a Welch power spectrum: the mean over uncentred
// 8192/2048 frames of |STFT|², as float32 squares of the complex64 STFT like the reference.
#include <array>
#include <complex>
#include <vector>

#include "dsp/numpy_abs.hpp"
#include "dsp/stft.hpp"
#include "features/families.hpp"

namespace trackprint::features {
namespace {
constexpr std::size_t kWelchFft = 8192;
constexpr std::size_t kWelchHop = 2048;
// Band edges in Hz: [lo, hi) per band; the last reaches past Nyquist.
constexpr std::array<double, 8> kEdges{20, 60, 250, 500, 2000, 4000, 6000, 20000};
}  // namespace

BandEnergies band_energies(std::span<const float> y) {
  BandEnergies bands{};
  if (y.size() < kWelchFft) return bands;
  dsp::FrameTransform frames(kWelchFft, kWelchHop, /*center=*/false);
  const std::size_t n_frames = frames.frame_count(y.size());
  std::vector<std::complex<float>> column(frames.n_bins());
  std::vector<double> power(frames.n_bins(), 0.0);
  for (std::size_t t = 0; t < n_frames; ++t) {
    frames.transform(y, t, column);
    for (std::size_t k = 0; k < column.size(); ++k) {
      const float m = dsp::numpy_abs(column[k]);
      power[k] += static_cast<double>(m * m);
    }
  }
  for (std::size_t k = 0; k < power.size(); ++k) {
    const double f = static_cast<double>(k) * kAnalysisRate / static_cast<double>(kWelchFft);
    for (std::size_t b = 0; b < bands.size(); ++b) {
      if (f >= kEdges[b] && f < kEdges[b + 1]) bands[b] += power[k] / static_cast<double>(n_frames);
    }
  }
  return bands;
}

void measure_frequency(const BandEnergies& bands, Fingerprint& fp) {
  double total = 0;
  for (double e : bands) total += e;
  for (std::size_t b = 0; b < bands.size(); ++b) {
    fp.values[static_cast<std::size_t>(Dim::sub_bass_pct) + b] = total > 0 ? bands[b] / total : 0.0;
  }
}

}  // namespace trackprint::features
