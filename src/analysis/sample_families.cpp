#include "analysis/sample_families.hpp"

namespace trackprint::analysis {

void SampleFamilies::trace_into(Trace* trace) {
  crest_.trace_into(trace);
  variation_.trace_into(trace);
  pitch_.trace_into(trace);
}

void SampleFamilies::push(std::span<const float> y) {
  welch_.push(y);
  crest_.push(y);
  variation_.push(y);
  pitch_.push(y);
}

void SampleFamilies::finish(Fingerprint& fp) {
  const features::BandEnergies bands = welch_.finish();
  features::measure_frequency(bands, fp);
  features::measure_dynamics(crest_, bands, fp);
  variation_.finish(fp);
  pitch_.finish(fp);
}

}  // namespace trackprint::analysis
