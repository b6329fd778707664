// Placeholder until the implementation lands; nothing calls it as if it worked.
#include <stdexcept>

#include "dsp/chroma.hpp"
namespace trackprint::dsp {
double estimate_tuning(std::span<const float>, std::size_t, std::size_t, double, int) {
  throw std::logic_error("estimate_tuning: not implemented");
}
std::vector<float> chroma_cqt(std::span<const float>, double, double) {
  throw std::logic_error("chroma_cqt: not implemented");
}
}  // namespace trackprint::dsp
