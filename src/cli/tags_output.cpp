#include "cli/tags_output.hpp"

namespace trackprint::cli {

std::optional<std::string> tag_text(const Tags& tags, std::size_t i) {
  const std::string* text = nullptr;
  switch (i) {
    case 0:
      text = &tags.title;
      break;
    case 1:
      text = &tags.artist;
      break;
    case 2:
      text = &tags.album;
      break;
    case 3:
      text = &tags.album_artist;
      break;
    case 4:
      text = &tags.genre;
      break;
    case 5:
      if (!tags.track_number) return std::nullopt;
      return std::to_string(*tags.track_number);
    case 6:
      text = &tags.date;
      break;
    case 7:
      text = &tags.musicbrainz_recording_id;
      break;
    default:
      return std::nullopt;
  }
  if (text->empty()) return std::nullopt;
  return *text;
}

void add_tag_fields(Json& object, const Tags& tags) {
  for (std::size_t i = 0; i < kTagNames.size(); ++i) {
    const std::string name(kTagNames[i]);
    if (kTagNames[i] == "track_number") {
      object[name] = tags.track_number ? Json(*tags.track_number) : Json(nullptr);
    } else if (const auto text = tag_text(tags, i)) {
      object[name] = *text;
    } else {
      object[name] = nullptr;
    }
  }
}

}  // namespace trackprint::cli
