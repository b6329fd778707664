// Decoding with FFmpeg's libraries: the first audio stream of any container FFmpeg reads, at
// its own rate and channel count, as planar float in [-1, 1] (the conversion soundfile and
// librosa.load make). Encoder delay and padding are removed by libavcodec, as ffmpeg does.
// This is the only place FFmpeg's types appear; failures are thrown as trackprint::Failure.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "trackprint/tags.hpp"

namespace trackprint::io {

// Where each channel sits, for BS.1770's channel weights.
enum class Speaker { front_left, front_right, center, lfe, surround_left, surround_right, other };

struct StreamInfo {
  int sample_rate = 0;
  int channels = 0;
  std::string codec;               // FFmpeg's short name: "flac", "mp3", "aac", ...
  std::vector<Speaker> speakers;   // one per channel
  double declared_duration_s = 0;  // from the container or stream header; 0 when unknown
};

// Reads a file block by block. Each block holds all channels, planar.
class Decoder {
 public:
  explicit Decoder(const std::string& path);  // opens and probes; throws Failure
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  const StreamInfo& info() const { return info_; }
  // The file's tags (title, artist, ...), read when it was opened.
  const Tags& tags() const { return tags_; }
  // The next block of decoded frames into `channels` (resized; one vector per channel).
  // Returns false at the end of the stream. Throws Failure on an undecodable stream.
  bool next_block(std::vector<std::vector<float>>& channels);

 private:
  struct State;
  std::unique_ptr<State> state_;
  StreamInfo info_;
  Tags tags_;
  std::string path_;
};

}  // namespace trackprint::io
