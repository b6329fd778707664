#include "similarity/weights.hpp"

namespace trackprint::similarity {
namespace {

// In spec order (trackprint dimensions), as Auralis publishes them per family.
constexpr Weights kAuralis{
    0.04, 0.06, 0.05, 0.06, 0.05, 0.04, 0.03,  // the seven bands
    0.10, 0.08, 0.05,                          // lufs, crest, bass_mid_ratio
    0.08, 0.04, 0.04, 0.02,                    // tempo, rhythm, transient, silence
    0.05, 0.04, 0.03,                          // centroid, rolloff, flatness
    0.04, 0.03, 0.02,                          // harmonic, pitch, chroma
    0.02, 0.02, 0.01,                          // the three variations
    0.02, 0.01,                                // width, phase
};

}  // namespace

Weights normalised_weights(const Weights& w) {
  double total = 0;
  for (const double v : w) total += v;
  Weights out{};
  if (total <= 0) return out;
  for (std::size_t i = 0; i < w.size(); ++i) out[i] = w[i] / total;
  return out;
}

std::optional<Weights> weight_preset(std::string_view name) {
  if (name == "auralis") return normalised_weights(kAuralis);
  if (name == "equal") {
    Weights w;
    w.fill(1.0 / static_cast<double>(kDimensionCount));
    return w;
  }
  return std::nullopt;
}

}  // namespace trackprint::similarity
