// A fingerprint record (spec §3): the 25 values in spec order plus what they were measured on.
#pragma once

#include <array>
#include <string>

#include "trackprint/dimensions.hpp"

namespace trackprint {

struct Fingerprint {
  std::array<double, kDimensionCount> values{};
  int version = kFingerprintVersion;
  double duration_s = 0;  // of the decoded audio at its own rate
  int sample_rate = 0;    // sr0, the file's own rate
  int channels = 0;
  std::string codec;  // FFmpeg's short codec name, e.g. "flac", "mp3"

  double& operator[](Dim d) { return values[static_cast<std::size_t>(d)]; }
  double operator[](Dim d) const { return values[static_cast<std::size_t>(d)]; }
};

}  // namespace trackprint
