// What a playlist may hold, besides being near its seeds: at most so many tracks of one artist
// or one album, no two tracks closer than a minimum distance, and never the same recording
// twice (another encoding or copy: duplicates.hpp). Seeds and targets are always admitted and
// count towards the caps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "similarity/exact_search.hpp"

namespace trackprint::similarity {

struct PlaylistLimits {
  std::size_t length = 30;  // every entry, seeds and targets included
  int max_per_artist = 0;   // 0: no cap
  int max_per_album = 0;
  double min_distance = 0;  // in the metric's units
};

// What the rules need to know of a row, asked only for the rows a playlist considers.
struct TrackFacts {
  std::function<std::string(std::uint32_t)> artist;  // "" when unknown: never capped
  std::function<std::string(std::uint32_t)> album;   // "" when unknown: never capped
  std::function<bool(std::uint32_t, std::uint32_t)> same_recording;
};

class PlaylistSelection {
 public:
  PlaylistSelection(const ExactSearch& search, const PlaylistLimits& limits,
                    const TrackFacts& facts);

  bool full() const { return rows_.size() >= limits_.length; }
  bool contains(std::uint32_t row) const;
  // Whether `row` may join: new, within the caps, not too close to nor a copy of any entry.
  bool admits(std::uint32_t row) const;
  void add(std::uint32_t row);  // seeds and targets join this way, whatever the rules
  const std::vector<std::uint32_t>& rows() const { return rows_; }
  // The rows in the playlist, sorted (to exclude them from a search).
  std::vector<std::uint32_t> sorted_rows() const;

 private:
  const ExactSearch& search_;
  PlaylistLimits limits_;
  const TrackFacts& facts_;
  std::vector<std::uint32_t> rows_;
  std::unordered_map<std::string, int> per_artist_;
  std::unordered_map<std::string, int> per_album_;
};

}  // namespace trackprint::similarity
