// The families that read y's samples directly, fed y block by block in order: the Welch band
// energies (frequency family, bass_mid_ratio), crest, variation and pitch (YIN). Each writes
// only its own dimensions.
#pragma once

#include <span>

#include "features/families.hpp"
#include "trackprint/fingerprint.hpp"
#include "trackprint/trace.hpp"

namespace trackprint::analysis {

class SampleFamilies {
 public:
  void trace_into(Trace* trace);  // before the first push
  void push(std::span<const float> y);
  void finish(Fingerprint& fp);

 private:
  features::WelchBands welch_;
  features::CrestMeter crest_;
  features::VariationFamily variation_;
  features::PitchFamily pitch_;
};

}  // namespace trackprint::analysis
