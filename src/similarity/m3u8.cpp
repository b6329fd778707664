#include "similarity/m3u8.hpp"

#include <cmath>
#include <filesystem>

namespace trackprint::similarity {

std::string playlist_relative(const std::string& track, const std::string& playlist_path) {
  namespace fs = std::filesystem;
  const fs::path folder = fs::path(playlist_path).lexically_normal().parent_path();
  const fs::path file = fs::path(track).lexically_normal();
  const fs::path relative = file.lexically_relative(folder);
  // Inside the folder: no step up. Anywhere else the absolute path is the one that still works
  // when the playlist is moved alone.
  if (relative.empty() || *relative.begin() == "..") return track;
  return relative.string();
}

std::string m3u8_text(const std::vector<M3uEntry>& entries, const std::string& playlist_path) {
  std::string out = "#EXTM3U\n";
  for (const M3uEntry& e : entries) {
    std::string name = e.title;
    if (name.empty()) name = std::filesystem::path(e.path).stem().string();
    if (!e.artist.empty()) name = e.artist + " - " + name;
    for (char& c : name) {
      if (c == '\n' || c == '\r') c = ' ';  // one line per entry, whatever the tags hold
    }
    out += "#EXTINF:" + std::to_string(std::lround(e.duration_s)) + "," + name + "\n";
    out += playlist_relative(e.path, playlist_path) + "\n";
  }
  return out;
}

}  // namespace trackprint::similarity
