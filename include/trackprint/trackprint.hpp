// trackprint: the 25-number fingerprint of a piece of music (fingerprint v1).
//
//   #include <trackprint/trackprint.hpp>
//
//   trackprint::Result<trackprint::Fingerprint> r = trackprint::analyze_file("song.flac");
//   if (!r.ok()) { std::cerr << r.error().message() << '\n'; return 1; }
//   for (const auto& d : trackprint::kDimensions)
//     std::cout << d.name << ' ' << r.value()[*trackprint::dimension_named(d.name)] << '\n';
//
// Every function is thread-safe and re-entrant: analyse one track per thread.
#pragma once

#include <atomic>
#include <span>
#include <string>
#include <string_view>

#include "trackprint/dimensions.hpp"
#include "trackprint/error.hpp"
#include "trackprint/export.hpp"
#include "trackprint/fingerprint.hpp"
#include "trackprint/limits.hpp"

namespace trackprint {

struct AnalysisOptions {
  // Threads used inside one track (its families run side by side). The fingerprint is
  // byte-identical for any value; more than 2 brings nothing yet.
  int threads = 1;
  // Longer audio is refused (kind too_long), whether the file declares it or decodes to it.
  double max_duration_s = kDefaultMaxDurationSeconds;
  // A stop request the caller owns and may set from any thread (or a signal handler): once it
  // reads true, the analysis returns an Error of kind `cancelled` within a fraction of a second
  // (it is checked between decoded blocks and between chunks of frames of the long loops), so
  // Ctrl-C need not wait for a long file to end. A flag, not a callback: it is read often and
  // from the analysis's own threads, and a relaxed load costs nothing beside the work.
  const std::atomic<bool>* cancel = nullptr;
};

// Decodes `path` (any format FFmpeg reads) and computes its fingerprint.
TRACKPRINT_API Result<Fingerprint> analyze_file(const std::string& path,
                                                const AnalysisOptions& options = {});

// The fingerprint of samples already decoded: one span per channel (channels-first, equal
// lengths), float in [-1, 1] at `sample_rate` Hz. The codec field of the result is empty.
TRACKPRINT_API Result<Fingerprint> analyze_samples(std::span<const std::span<const float>> channels,
                                                   int sample_rate,
                                                   const AnalysisOptions& options = {});

// The engine's version (semantic); stored beside every fingerprint.
TRACKPRINT_API std::string_view engine_version();

}  // namespace trackprint
