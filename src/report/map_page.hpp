// The library's map page: every analysed track a point of its 2-D projection, coloured by album,
// genre, loudness or tempo; hovering names a track, clicking lists its nearest neighbours (in the
// metric, not on the map). One self-contained HTML file; canvas drawing with a grid index, so it
// stays responsive with 10,000 tracks.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "report/library_view.hpp"
#include "report/map_projection.hpp"

namespace trackprint::report {

enum class MapColour { album, genre, lufs, tempo_bpm };
std::optional<MapColour> map_colour_named(std::string_view name);
std::string_view to_string(MapColour colour);

struct MapPageInput {
  const LibraryView& library;
  const MapProjection& projection;
  const std::vector<std::vector<NearTrack>>& neighbours;  // per track, nearest first
  MapColour colour = MapColour::genre;
};

// Categories beyond this many (the most frequent first) are drawn as "other".
inline constexpr std::size_t kMapCategories = 9;

std::string map_page(const MapPageInput& input);

}  // namespace trackprint::report
