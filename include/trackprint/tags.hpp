// A file's tags, as its container carries them (read with FFmpeg's libavformat while the scan
// decodes the file). They sit beside the fingerprint in the store: playlists cap artists and
// albums with them, and `similar`, `playlist` and `duplicates` print them beside each path.
#pragma once

#include <optional>
#include <string>

namespace trackprint {

struct Tags {
  // Empty when the file does not carry the tag. Text is as tagged (FFmpeg gives UTF-8).
  std::string title;
  std::string artist;
  std::string album;
  std::string album_artist;
  std::string genre;
  std::optional<int> track_number;  // the number before any "/total" ("3/12" -> 3)
  std::string date;                 // as tagged: "2024", "2024-05-01", ...
  std::string musicbrainz_recording_id;

  bool operator==(const Tags&) const = default;
};

}  // namespace trackprint
