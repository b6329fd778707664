// Fuzz target: analyze_samples with arbitrary floats, lengths, rates and channel counts. The
// first 4 bytes choose the channel count, the rate and how often the samples repeat (so short
// inputs still make tracks long enough to analyse); the rest are the samples, interleaved.
// Every answer must be a fingerprint whose values lie in their spec ranges, or an error of the
// caller's kind (invalid_input, invalid_audio, too_short, too_long); `internal` is a defect.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "trackprint/trackprint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace trackprint;
  if (size < 4) return 0;
  // 1..8 channels, or 65 (over the limit) for byte 255.
  const std::size_t channels = data[0] == 255 ? 65 : 1 + data[0] % 8;
  // 500 Hz to about 820 kHz in steps of 12.5 Hz: both ends fall outside the accepted range.
  const int rate = 500 + ((data[1] << 8) | data[2]) * 25 / 2;
  const std::size_t repeats = 1 + data[3] % 32;
  const std::size_t floats = (size - 4) / sizeof(float);
  const std::size_t frames = floats / channels;
  std::vector<std::vector<float>> planar(channels, std::vector<float>(frames * repeats));
  for (std::size_t i = 0; i < frames; ++i) {
    for (std::size_t c = 0; c < channels; ++c) {
      float v;
      std::memcpy(&v, data + 4 + (i * channels + c) * sizeof(float), sizeof v);
      for (std::size_t r = 0; r < repeats; ++r) planar[c][r * frames + i] = v;
    }
  }
  std::vector<std::span<const float>> spans(planar.begin(), planar.end());
  AnalysisOptions options;
  options.max_duration_s = 120;
  const Result<Fingerprint> r = analyze_samples(spans, rate, options);
  if (r.ok()) {
    for (std::size_t i = 0; i < kDimensionCount; ++i) {
      const double v = r.value().values[i];
      if (!(v >= kDimensions[i].min && v <= kDimensions[i].max)) std::abort();
    }
  } else if (r.error().kind == ErrorKind::internal) {
    std::abort();
  }
  return 0;
}
