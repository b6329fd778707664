// The engine's public entry points (include/trackprint/trackprint.hpp): the inputs are checked
// against trackprint/limits.hpp, and every failure inside becomes an Error with its kind, the
// file and the reason.
#include <string>

#include "analysis/file_analysis.hpp"
#include "analysis/routes.hpp"
#include "core/cancel_flag.hpp"
#include "io/decoder.hpp"
#include "trackprint/limits.hpp"
#include "trackprint/trace.hpp"
#include "trackprint/trackprint.hpp"
#include "trackprint/version.hpp"

namespace trackprint {
namespace {
constexpr std::size_t kSamplesBlock = 1 << 16;  // frames per block when the input is in memory
}  // namespace

std::string_view engine_version() {
  return kEngineVersion;
}

namespace {
void check_options(const AnalysisOptions& options) {
  if (!(options.max_duration_s > 0))
    throw Failure(ErrorKind::invalid_input, "max_duration_s must be more than 0");
  CancelFlag(options.cancel).check();  // set before the start: not even the file is opened
}

// Every public entry point: a Failure becomes an Error of its kind, anything else `internal`.
template <class F>
auto guarded(const std::string& path, F&& analyse) -> Result<decltype(analyse())> {
  try {
    return analyse();
  } catch (const Failure& f) {
    return Error{f.kind(), path, f.reason()};
  } catch (const std::bad_alloc&) {
    return Error{ErrorKind::io, path, "out of memory"};
  } catch (const std::exception& e) {
    return Error{ErrorKind::internal, path, std::string("internal error: ") + e.what()};
  }
}

// A trace's series are replaced; what it asks for is kept.
void clear(Trace& trace) {
  const std::size_t columns = trace.max_spectrogram_columns;
  trace = Trace();
  trace.max_spectrogram_columns = columns;
}

Fingerprint fingerprint_of_samples(std::span<const std::span<const float>> channels,
                                   int sample_rate, const AnalysisOptions& options, Trace* trace) {
  check_options(options);
  if (channels.empty()) throw Failure(ErrorKind::invalid_input, "no channels");
  if (channels.size() > static_cast<std::size_t>(kMaxChannels)) {
    throw Failure(ErrorKind::invalid_input, std::to_string(channels.size()) +
                                                " channels; trackprint reads 1 to " +
                                                std::to_string(kMaxChannels));
  }
  if (sample_rate < kMinSampleRate || sample_rate > kMaxSampleRate) {
    throw Failure(ErrorKind::invalid_input,
                  "sample rate out of range: " + std::to_string(sample_rate) + " (" +
                      std::to_string(kMinSampleRate) + " to " + std::to_string(kMaxSampleRate) +
                      " Hz)");
  }
  if (static_cast<double>(channels[0].size()) > options.max_duration_s * sample_rate) {
    throw Failure(ErrorKind::too_long,
                  "longer than the limit of " + std::to_string(options.max_duration_s) + " s");
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
  analysis::SignalBuilder signal(sample_rate, speakers, analysis::SignalBuilder::Parts::all, trace);
  std::vector<std::span<const float>> block(channels.size());
  const std::size_t total = channels[0].size();
  const CancelFlag cancel(options.cancel);
  for (std::size_t start = 0; start < total; start += kSamplesBlock) {
    cancel.check();
    const std::size_t n = std::min(kSamplesBlock, total - start);
    for (std::size_t c = 0; c < channels.size(); ++c) block[c] = channels[c].subspan(start, n);
    signal.add(block);
  }
  signal.finish();
  Fingerprint fp = analysis::fingerprint_of(signal, options.threads, trace, cancel);
  fp.sample_rate = sample_rate;
  fp.channels = static_cast<int>(channels.size());
  fp.duration_s = static_cast<double>(total) / sample_rate;
  return fp;
}

}  // namespace

Result<Fingerprint> analyze_file(const std::string& path, const AnalysisOptions& options) {
  return guarded(path, [&] {
    check_options(options);
    return analysis::fingerprint_file(path, options.threads, analysis::Route::by_length,
                                      options.max_duration_s, nullptr, nullptr,
                                      CancelFlag(options.cancel));
  });
}

Result<Fingerprint> analyze_file(const std::string& path, const AnalysisOptions& options,
                                 Trace& trace) {
  clear(trace);
  return guarded(path, [&] {
    check_options(options);
    return analysis::fingerprint_file(path, options.threads, analysis::Route::by_length,
                                      options.max_duration_s, &trace, nullptr,
                                      CancelFlag(options.cancel));
  });
}

Result<analysis::FileAnalysis> analysis::analyze_file_and_tags(const std::string& path,
                                                               const AnalysisOptions& options) {
  return guarded(path, [&] {
    check_options(options);
    FileAnalysis out;
    out.fingerprint =
        fingerprint_file(path, options.threads, Route::by_length, options.max_duration_s, nullptr,
                         &out.tags, CancelFlag(options.cancel));
    return out;
  });
}

Result<Tags> analysis::read_tags(const std::string& path) {
  return guarded(path, [&] { return io::Decoder(path).tags(); });
}

Result<Fingerprint> analyze_samples(std::span<const std::span<const float>> channels,
                                    int sample_rate, const AnalysisOptions& options) {
  return guarded("",
                 [&] { return fingerprint_of_samples(channels, sample_rate, options, nullptr); });
}

Result<Fingerprint> analyze_samples(std::span<const std::span<const float>> channels,
                                    int sample_rate, const AnalysisOptions& options, Trace& trace) {
  clear(trace);
  return guarded("",
                 [&] { return fingerprint_of_samples(channels, sample_rate, options, &trace); });
}

}  // namespace trackprint
