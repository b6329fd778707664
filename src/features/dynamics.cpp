// crest_db and bass_mid_ratio (spec §Dynamics). lufs is measured at the file's own rate by
// dsp/loudness, since BS.1770 K-weighting is defined on the original signal.
#include <algorithm>
#include <cmath>

#include "features/families.hpp"

namespace trackprint::features {
namespace {

double bass_mid_ratio(const BandEnergies& bands) {
  const double bass = bands[1];
  const double mids = bands[2] + bands[3];
  return (bass > 0 && mids > 0) ? 10.0 * std::log10(bass / mids) : 0.0;
}

}  // namespace

void CrestMeter::push(std::span<const float> y) {
  for (float v : y) {
    const double x = static_cast<double>(v);
    peak_ = std::max(peak_, std::abs(x));
    sum_sq_ += x * x;
  }
  count_ += y.size();
  if (trace_ != nullptr) trace_waveform(y);
}

// Sample i falls in hop i / kHop; each hop's entry is made by its first sample.
void CrestMeter::trace_waveform(std::span<const float> y) {
  std::size_t at = count_ - y.size();
  for (float v : y) {
    if (at++ % kHop == 0) {
      trace_->wave_min.push_back(v);
      trace_->wave_max.push_back(v);
    } else {
      trace_->wave_min.back() = std::min(trace_->wave_min.back(), v);
      trace_->wave_max.back() = std::max(trace_->wave_max.back(), v);
    }
  }
}

double CrestMeter::crest_db() const {
  const double rms = std::sqrt(sum_sq_ / static_cast<double>(count_));
  return (peak_ > 0 && rms > 0) ? 20.0 * std::log10(peak_ / rms) : 0.0;
}

void measure_dynamics(const CrestMeter& crest, const BandEnergies& bands, Fingerprint& fp) {
  fp[Dim::crest_db] = crest.crest_db();
  fp[Dim::bass_mid_ratio] = bass_mid_ratio(bands);
}

void measure_dynamics(std::span<const float> y, const BandEnergies& bands, Fingerprint& fp) {
  CrestMeter crest;
  crest.push(y);
  measure_dynamics(crest, bands, fp);
}

}  // namespace trackprint::features
