// What both benchmarks need to time decoding and analysis apart: a whole file decoded into
// memory (planar, native rate), and those samples fed back in decoder-sized blocks.
#pragma once

#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "analysis/signal_builder.hpp"
#include "io/decoder.hpp"

namespace trackprint::bench {

inline std::vector<std::vector<float>> decode_whole(const std::string& path, io::StreamInfo& info) {
  io::Decoder decoder(path);
  info = decoder.info();
  std::vector<std::vector<float>> channels(static_cast<std::size_t>(info.channels));
  std::vector<std::vector<float>> block;
  while (decoder.next_block(block)) {
    for (std::size_t c = 0; c < block.size(); ++c) {
      channels[c].insert(channels[c].end(), block[c].begin(), block[c].end());
    }
  }
  return channels;
}

// 4608 frames: a typical FLAC block, so the signal builder sees what a file would give it.
inline void feed_in_blocks(const std::vector<std::vector<float>>& channels,
                           analysis::SignalBuilder& signal, std::size_t frames = 4608) {
  std::vector<std::span<const float>> block(channels.size());
  for (std::size_t s = 0; s < channels[0].size(); s += frames) {
    const std::size_t n = std::min(frames, channels[0].size() - s);
    for (std::size_t c = 0; c < channels.size(); ++c) {
      block[c] = std::span<const float>(channels[c]).subspan(s, n);
    }
    signal.add(block);
  }
  signal.finish();
}

}  // namespace trackprint::bench
