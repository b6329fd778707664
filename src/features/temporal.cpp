// Placeholder until the implementation lands.
#include <stdexcept>

#include "features/families.hpp"

namespace trackprint::features {
void measure_temporal(const AnalysisInput&, Fingerprint&) {
  throw std::logic_error("measure_temporal: not implemented");
}
}  // namespace trackprint::features
