// Placeholder until the implementation lands; nothing calls it as if it worked.
#include <stdexcept>

#include "dsp/hpss.hpp"
namespace trackprint::dsp {
HpssEnergy hpss_energy(const Spectrogram&, std::span<const float>, std::size_t) {
  throw std::logic_error("hpss_energy: not implemented");
}
}  // namespace trackprint::dsp
