#include <cctype>
#include <charconv>
#include <initializer_list>
#include <string>

#include "io/ffmpeg_tags.hpp"

namespace trackprint::io {
namespace {

std::string trimmed(const char* text) {
  std::string s(text);
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!s.empty() && is_space(s.back())) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && is_space(s[start])) ++start;
  return s.substr(start);
}

// The first non-empty value under any of `keys` (FFmpeg matches keys case-insensitively),
// looked up in the container's tags, then the stream's.
std::string first_of(const AVDictionary* format, const AVDictionary* stream,
                     std::initializer_list<const char*> keys) {
  for (const AVDictionary* dict : {format, stream}) {
    if (dict == nullptr) continue;
    for (const char* key : keys) {
      const AVDictionaryEntry* e = av_dict_get(dict, key, nullptr, 0);
      if (e == nullptr || e->value == nullptr) continue;
      std::string value = trimmed(e->value);
      if (!value.empty()) return value;
    }
  }
  return {};
}

// "3", "03", "3/12": the leading number; nothing for text without one.
std::optional<int> track_number_of(const std::string& text) {
  int n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end == text.data() || n < 0) return std::nullopt;
  return n;
}

}  // namespace

// The keys are FFmpeg's generic names (it maps ID3v2 frames, Vorbis comments, MP4 atoms and
// RIFF INFO chunks to them), plus the spellings its demuxers pass through unmapped: Vorbis
// comments' ALBUMARTIST and TRACKNUMBER, Picard's MusicBrainz names in Vorbis comments
// (MUSICBRAINZ_TRACKID is the recording id) and in MP4/ID3 free-form tags.
Tags tags_from(const AVDictionary* format, const AVDictionary* stream) {
  Tags t;
  t.title = first_of(format, stream, {"title"});
  t.artist = first_of(format, stream, {"artist"});
  t.album = first_of(format, stream, {"album"});
  t.album_artist = first_of(format, stream, {"album_artist", "albumartist", "album artist"});
  t.genre = first_of(format, stream, {"genre"});
  t.track_number = track_number_of(first_of(format, stream, {"track", "tracknumber"}));
  t.date = first_of(format, stream, {"date", "year"});
  t.musicbrainz_recording_id = first_of(
      format, stream, {"musicbrainz_trackid", "MusicBrainz Track Id", "musicbrainz_recordingid"});
  return t;
}

}  // namespace trackprint::io
