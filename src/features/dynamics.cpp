// crest_db and bass_mid_ratio (spec §Dynamics). lufs is measured at the file's own rate by
// io/loudness, since BS.1770 K-weighting is defined on the original signal.
#include <algorithm>
#include <cmath>

#include "features/families.hpp"

namespace trackprint::features {
namespace {

double crest_db(std::span<const float> y) {
  double peak = 0;
  double sum_sq = 0;
  for (float v : y) {
    const double x = static_cast<double>(v);
    peak = std::max(peak, std::abs(x));
    sum_sq += x * x;
  }
  const double rms = std::sqrt(sum_sq / static_cast<double>(y.size()));
  return (peak > 0 && rms > 0) ? 20.0 * std::log10(peak / rms) : 0.0;
}

double bass_mid_ratio(const BandEnergies& bands) {
  const double bass = bands[1];
  const double mids = bands[2] + bands[3];
  return (bass > 0 && mids > 0) ? 10.0 * std::log10(bass / mids) : 0.0;
}

}  // namespace

void measure_dynamics(std::span<const float> y, const BandEnergies& bands, Fingerprint& fp) {
  fp[Dim::crest_db] = crest_db(y);
  fp[Dim::bass_mid_ratio] = bass_mid_ratio(bands);
}

}  // namespace trackprint::features
