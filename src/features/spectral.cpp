// Spectral family (spec §Spectral): medians over frames of librosa's per-frame centroid, 85 %
// rolloff and flatness of the shared magnitude STFT, scaled and clipped to 0-1.
#include <algorithm>
#include <vector>

#include "dsp/spectral.hpp"
#include "features/families.hpp"

namespace trackprint::features {
namespace {

// np.median: the middle value, or the mean of the middle two (as T: float32 stays float32).
template <class T>
T median(std::vector<T> v) {
  if (v.empty()) return T(0);
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const T hi = v[mid];
  if (v.size() % 2 == 1) return hi;
  const T lo = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lo + hi) / T(2);
}

}  // namespace

void measure_spectral(const AnalysisInput& in, Fingerprint& fp) {
  const std::size_t n_frames = in.stft.n_frames;
  const std::size_t n_bins = in.stft.n_bins;
  dsp::SpectralShape shape(kAnalysisRate, kFftSize);
  std::vector<double> centroid(n_frames);
  std::vector<double> rolloff(n_frames);
  std::vector<float> flatness(n_frames);
  for (std::size_t t = 0; t < n_frames; ++t) {
    const std::span<const float> frame = in.magnitude.subspan(t * n_bins, n_bins);
    centroid[t] = shape.centroid(frame);
    rolloff[t] = shape.rolloff(frame, 0.85);
    flatness[t] = shape.flatness(frame);
  }
  fp[Dim::spectral_centroid] = std::clamp(median(std::move(centroid)) / 8000.0, 0.0, 1.0);
  fp[Dim::spectral_rolloff] = std::clamp(median(std::move(rolloff)) / 10000.0, 0.0, 1.0);
  fp[Dim::spectral_flatness] =
      std::clamp(static_cast<double>(median(std::move(flatness))), 0.0, 1.0);
}

}  // namespace trackprint::features
