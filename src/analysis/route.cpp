// The choice of route for a file, and the checks both routes make.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "analysis/routes.hpp"
#include "trackprint/error.hpp"

namespace trackprint::analysis {

void require_length(std::size_t n) {
  constexpr std::size_t kMinimumSamples = 11025;  // 0.5 s at 22050 Hz (spec §1.4)
  if (n < kMinimumSamples) {
    char reason[96];
    std::snprintf(reason, sizeof reason, "too short: %.2f s of audio, at least 0.5 s needed",
                  static_cast<double>(n) / features::kAnalysisRate);
    throw Failure(ErrorKind::too_short, reason);
  }
}

void require_finite(const Fingerprint& fp) {
  for (double v : fp.values) {
    if (!std::isfinite(v)) throw std::logic_error("a dimension came out non-finite");
  }
}

Fingerprint fingerprint_file(const std::string& path, int threads, Route route,
                             double max_duration_s, Trace* trace, Tags* tags, CancelFlag cancel) {
  io::Decoder decoder(path, max_duration_s);
  const io::StreamInfo info = decoder.info();
  if (tags != nullptr) *tags = decoder.tags();
  // A pipe or device cannot be read twice: it is held whatever its length.
  std::error_code ec;
  const bool rereadable = std::filesystem::is_regular_file(path, ec);
  const bool hold = route == Route::by_length
                        ? !rereadable || (info.declared_duration_s > 0 &&
                                          info.declared_duration_s <= kHoldSignalSeconds)
                        : route == Route::held;
  Fingerprint fp;
  if (hold && threads > 1 && trace == nullptr) {
    fp = fingerprint_held(decoder, cancel);
  } else if (hold) {
    SignalBuilder signal(info.sample_rate, info.speakers, SignalBuilder::Parts::all, trace);
    signal.reserve_y(info.declared_duration_s);
    decode_into(decoder, signal, cancel);
    fp = fingerprint_of(signal, threads, trace, cancel);
    fp.duration_s = static_cast<double>(signal.native_frames()) / info.sample_rate;
  } else {
    fp = fingerprint_streamed(path, decoder, threads, max_duration_s, trace, cancel);
  }
  fp.sample_rate = info.sample_rate;
  fp.channels = info.channels;
  fp.codec = info.codec;
  return fp;
}

}  // namespace trackprint::analysis
