// Weights learned from albums: a dimension counts in proportion to how much better than chance
// it tells albums apart, by the one-way analysis of variance of its normalised values grouped by
// album (F - 1, floored at 0: F is the variance between album means over the variance within
// albums, each per degree of freedom, and is about 1 for a dimension that says nothing of the
// album). The evidence for a later metric: bench/similarity/quality checks it with each album
// held out (docs/similarity.md).
#pragma once

#include <span>

#include "similarity/weights.hpp"

namespace trackprint::similarity {

// `rows`: normalised rows; `album`: one label per row, -1 for a row not learned from. Albums of
// one track say nothing and are left out. Returns weights summing to 1 (equal weights when no
// dimension tells albums apart, or with fewer than two albums of two tracks).
Weights learn_album_weights(std::span<const double> rows, std::span<const int> album);

}  // namespace trackprint::similarity
