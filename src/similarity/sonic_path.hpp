// Sonic paths: from a start to a target (through waypoints, in order), each step a small move.
// The intermediate tracks are shared among the legs in proportion to their lengths; on a leg
// from A to B with c of them, the j-th is the admitted track nearest to the point
// A + j/(c+1) (B - A) of the normalised space, so the path follows the straight line and steps
// evenly along it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "similarity/exact_search.hpp"
#include "similarity/playlist_rules.hpp"

namespace trackprint::similarity {

// waypoints[0] first, waypoints.back() last, limits.length entries in all (fewer when the
// library runs out of admitted tracks); needs limits.length >= waypoints.size() >= 2.
std::vector<std::uint32_t> sonic_path(const ExactSearch& search,
                                      std::span<const std::uint32_t> waypoints,
                                      const PlaylistLimits& limits, const TrackFacts& facts);

}  // namespace trackprint::similarity
