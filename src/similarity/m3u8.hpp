// Extended M3U playlists (UTF-8, .m3u8), as players read them: #EXTM3U, then per track
// `#EXTINF:<seconds>,<artist> - <title>` and its path, relative to the playlist's folder when
// that folder holds the track (so the playlist moves with the music), absolute otherwise.
#pragma once

#include <string>
#include <vector>

namespace trackprint::similarity {

struct M3uEntry {
  std::string path;  // absolute
  double duration_s = 0;
  std::string artist;  // "" when untagged
  std::string title;   // "" when untagged: the file's name stands in
};

std::string m3u8_text(const std::vector<M3uEntry>& entries, const std::string& playlist_path);

// `track` as written in a playlist at `playlist_path` (both absolute).
std::string playlist_relative(const std::string& track, const std::string& playlist_path);

}  // namespace trackprint::similarity
