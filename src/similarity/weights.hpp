// The weight presets of the similarity metric: how much each of the 25 dimensions counts in a
// distance. Weights are non-negative and sum to 1.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "trackprint/dimensions.hpp"

namespace trackprint::similarity {

using Weights = std::array<double, kDimensionCount>;

// "auralis": Auralis's published family weights (they total 1.03), renormalised to 1.
// "equal": every dimension 1/25.
std::optional<Weights> weight_preset(std::string_view name);
inline constexpr std::array<std::string_view, 2> kWeightPresets{"auralis", "equal"};

// `w` scaled to sum to 1 (all zero stays all zero).
Weights normalised_weights(const Weights& w);

}  // namespace trackprint::similarity
