// How the commands print a track's tags: JSON fields (null when absent), CSV columns, and the
// `name: value` lines of `show`. The names are the store's column names (docs/store.md).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "cli/output.hpp"
#include "trackprint/tags.hpp"

namespace trackprint::cli {

inline constexpr std::array<std::string_view, 8> kTagNames{
    "title", "artist",       "album", "album_artist",
    "genre", "track_number", "date",  "musicbrainz_recording_id"};

// The tag called kTagNames[i], as text; nullopt when the file has none.
std::optional<std::string> tag_text(const Tags& tags, std::size_t i);

// The eight tags, each under its name: a JSON string (track_number a number) or null.
void add_tag_fields(Json& object, const Tags& tags);

}  // namespace trackprint::cli
