// Decoding with FFmpeg's libraries: the first audio stream of any container FFmpeg reads, at
// its own rate and channel count, as planar float in [-1, 1] (the conversion soundfile and
// librosa.load make). Encoder delay and padding are removed by libavcodec, as ffmpeg does.
// FFmpeg's types appear only here and in io/file_input; failures are thrown as Failure.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "trackprint/limits.hpp"
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

// Reads a file block by block. Each block holds all channels, planar. A stream outside the
// limits of trackprint/limits.hpp (rate, channels, a duration over `max_duration_s`, declared
// or decoded) is refused before or while decoding, with a Failure.
class Decoder {
 public:
  // Opens and probes a file; throws Failure.
  explicit Decoder(const std::string& path, double max_duration_s = kDefaultMaxDurationSeconds);
  // Reads a file held in memory (`bytes` must outlive the Decoder); `name` only names it.
  Decoder(std::span<const std::uint8_t> bytes, const std::string& name,
          double max_duration_s = kDefaultMaxDurationSeconds);
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  const StreamInfo& info() const { return info_; }
  // The file's tags (title, artist, ...), read when it was opened.
  const Tags& tags() const { return tags_; }
  // The next block of decoded frames into `channels` (resized; one vector per channel).
  // Returns false at the end of the stream. Throws Failure on an undecodable stream, and (kind
  // io) on a read error: a file that cannot be read to its end is never taken as ending there.
  bool next_block(std::vector<std::vector<float>>& channels);

 private:
  void open_stream();  // the stream of state_->input, its decoder and limits
  struct State;
  std::unique_ptr<State> state_;
  StreamInfo info_;
  Tags tags_;
  std::string path_;
  double max_duration_s_;
};

}  // namespace trackprint::io
