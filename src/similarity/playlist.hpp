// Seed playlists: the tracks closest to any seed, within the playlist rules, then put in an
// order that flows (each track near the one before: a nearest-neighbour chain from the first
// seed, shortened by 2-opt up to 500 entries), the first seed first.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "similarity/exact_search.hpp"
#include "similarity/playlist_rules.hpp"

namespace trackprint::similarity {

// Up to limits.length rows (fewer when the library has no more that the rules admit).
std::vector<std::uint32_t> seed_playlist(const ExactSearch& search,
                                         std::span<const std::uint32_t> seeds,
                                         const PlaylistLimits& limits, const TrackFacts& facts);

// `rows` reordered so that the path through them is short: rows[0] stays first.
std::vector<std::uint32_t> flowing_order(const ExactSearch& search,
                                         std::vector<std::uint32_t> rows);

}  // namespace trackprint::similarity
