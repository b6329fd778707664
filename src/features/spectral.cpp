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

void SpectralFamily::push(std::span<const float> magnitude) {
  centroid_.push_back(shape_.centroid(magnitude));
  rolloff_.push_back(shape_.rolloff(magnitude, 0.85));
  flatness_.push_back(shape_.flatness(magnitude));
}

void SpectralFamily::finish(Fingerprint& fp) {
  if (trace_ != nullptr) {
    trace_->centroid_hz = centroid_;
    trace_->rolloff_hz = rolloff_;
    trace_->flatness = flatness_;
  }
  fp[Dim::spectral_centroid] = std::clamp(median(std::move(centroid_)) / 8000.0, 0.0, 1.0);
  fp[Dim::spectral_rolloff] = std::clamp(median(std::move(rolloff_)) / 10000.0, 0.0, 1.0);
  fp[Dim::spectral_flatness] =
      std::clamp(static_cast<double>(median(std::move(flatness_))), 0.0, 1.0);
}

void measure_spectral(const AnalysisInput& in, Fingerprint& fp) {
  SpectralFamily family;
  const std::size_t n_bins = in.stft.n_bins;
  for (std::size_t t = 0; t < in.stft.n_frames; ++t) {
    family.push(in.magnitude.subspan(t * n_bins, n_bins));
  }
  family.finish(fp);
}

}  // namespace trackprint::features
