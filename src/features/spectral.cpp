// Placeholder until the implementation lands.
#include <stdexcept>

#include "features/families.hpp"

namespace trackprint::features {
void measure_spectral(const AnalysisInput&, Fingerprint&) {
  throw std::logic_error("measure_spectral: not implemented");
}
}  // namespace trackprint::features
