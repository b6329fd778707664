// The engine's public entry points (include/trackprint/trackprint.hpp): every failure inside
// becomes an Error with its kind, the file and the reason.
#include <string>

#include "analysis/routes.hpp"
#include "trackprint/trackprint.hpp"
#include "trackprint/version.hpp"

namespace trackprint {
namespace {
constexpr std::size_t kSamplesBlock = 1 << 16;  // frames per block when the input is in memory
}  // namespace

std::string_view engine_version() {
  return kEngineVersion;
}

Result<Fingerprint> analyze_file(const std::string& path, const AnalysisOptions& options) {
  try {
    return analysis::fingerprint_file(path, options.threads);
  } catch (const Failure& f) {
    return Error{f.kind(), path, f.reason()};
  } catch (const std::bad_alloc&) {
    return Error{ErrorKind::io, path, "out of memory"};
  } catch (const std::exception& e) {
    return Error{ErrorKind::internal, path, std::string("internal error: ") + e.what()};
  }
}

Result<Fingerprint> analyze_samples(std::span<const std::span<const float>> channels,
                                    int sample_rate, const AnalysisOptions& options) {
  try {
    if (channels.empty()) throw Failure(ErrorKind::invalid_input, "no channels");
    if (sample_rate < 1000 || sample_rate > 768000) {
      throw Failure(ErrorKind::invalid_input,
                    "sample rate out of range: " + std::to_string(sample_rate));
    }
    for (const auto& ch : channels) {
      if (ch.size() != channels[0].size()) {
        throw Failure(ErrorKind::invalid_input, "channels differ in length");
      }
    }
    // Channels-first arrays carry no layout: the first two are read as left and right.
    std::vector<io::Speaker> speakers;
    for (std::size_t c = 0; c < channels.size(); ++c) {
      speakers.push_back(c == 0   ? io::Speaker::front_left
                         : c == 1 ? io::Speaker::front_right
                                  : io::Speaker::other);
    }
    analysis::SignalBuilder signal(sample_rate, speakers);
    std::vector<std::span<const float>> block(channels.size());
    const std::size_t total = channels[0].size();
    for (std::size_t start = 0; start < total; start += kSamplesBlock) {
      const std::size_t n = std::min(kSamplesBlock, total - start);
      for (std::size_t c = 0; c < channels.size(); ++c) block[c] = channels[c].subspan(start, n);
      signal.add(block);
    }
    signal.finish();
    Fingerprint fp = analysis::fingerprint_of(signal, options.threads);
    fp.sample_rate = sample_rate;
    fp.channels = static_cast<int>(channels.size());
    fp.duration_s = static_cast<double>(total) / sample_rate;
    return fp;
  } catch (const Failure& f) {
    return Error{f.kind(), "", f.reason()};
  } catch (const std::bad_alloc&) {
    return Error{ErrorKind::io, "", "out of memory"};
  } catch (const std::exception& e) {
    return Error{ErrorKind::internal, "", std::string("internal error: ") + e.what()};
  }
}

}  // namespace trackprint
