// Placeholder until the implementation lands; nothing calls it as if it worked.
#include <stdexcept>

#include "dsp/yin.hpp"
namespace trackprint::dsp {
std::vector<double> yin(std::span<const float>, double, double, double, std::size_t, std::size_t) {
  throw std::logic_error("yin: not implemented");
}
}  // namespace trackprint::dsp
