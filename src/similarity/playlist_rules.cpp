#include "similarity/playlist_rules.hpp"

#include <algorithm>

#include "similarity/metric.hpp"

namespace trackprint::similarity {

PlaylistSelection::PlaylistSelection(const ExactSearch& search, const PlaylistLimits& limits,
                                     const TrackFacts& facts)
    : search_(search), limits_(limits), facts_(facts) {}

bool PlaylistSelection::contains(std::uint32_t row) const {
  return std::find(rows_.begin(), rows_.end(), row) != rows_.end();
}

bool PlaylistSelection::admits(std::uint32_t row) const {
  if (contains(row)) return false;
  const auto capped = [](const std::unordered_map<std::string, int>& counts, const std::string& key,
                         int cap) {
    if (cap <= 0 || key.empty()) return false;
    const auto it = counts.find(key);
    return it != counts.end() && it->second >= cap;
  };
  if (capped(per_artist_, facts_.artist(row), limits_.max_per_artist)) return false;
  if (capped(per_album_, facts_.album(row), limits_.max_per_album)) return false;
  for (const std::uint32_t other : rows_) {
    if (limits_.min_distance > 0 &&
        distance(search_.weights(), search_.row(row), search_.row(other)) < limits_.min_distance) {
      return false;
    }
    if (facts_.same_recording(row, other)) return false;
  }
  return true;
}

void PlaylistSelection::add(std::uint32_t row) {
  rows_.push_back(row);
  if (const std::string artist = facts_.artist(row); !artist.empty()) ++per_artist_[artist];
  if (const std::string album = facts_.album(row); !album.empty()) ++per_album_[album];
}

std::vector<std::uint32_t> PlaylistSelection::sorted_rows() const {
  std::vector<std::uint32_t> out = rows_;
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace trackprint::similarity
