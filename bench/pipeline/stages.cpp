// Whole-pipeline timings of one file in one process, one core: (a) decode only, (b) analysis
// only from the decoded samples (loudness, resampling, every family), each the median of
// --repeats runs. The driver script bench/pipeline/run adds end-to-end and the oracle.
// Output: one JSON object per file on stdout.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "analysis/routes.hpp"
#include "decoded_track.hpp"
#include "io/decoder.hpp"
#include "trackprint/error.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

template <class F>
double seconds(F&& f) {
  const auto t0 = Clock::now();
  f();
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  int repeats = 5;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--repeats" && i + 1 < argc) {
      repeats = std::max(1, std::atoi(argv[++i]));
    } else {
      files.push_back(a);
    }
  }
  for (const std::string& path : files) {
    try {
      trackprint::io::StreamInfo info;
      std::vector<std::vector<float>> channels;
      std::vector<double> decode_s;
      std::vector<double> analysis_s;
      for (int r = 0; r < repeats; ++r) {
        decode_s.push_back(
            seconds([&] { channels = trackprint::bench::decode_whole(path, info); }));
      }
      for (int r = 0; r < repeats; ++r) {
        analysis_s.push_back(seconds([&] {
          trackprint::analysis::SignalBuilder signal(info.sample_rate, info.speakers);
          trackprint::bench::feed_in_blocks(channels, signal);
          (void)trackprint::analysis::fingerprint_of(signal);
        }));
      }
      const double duration = static_cast<double>(channels[0].size()) / info.sample_rate;
      std::printf(
          "{\"path\":\"%s\",\"duration_s\":%.3f,\"decode_s\":%.4f,\"analysis_s\":%.4f,"
          "\"repeats\":%d}\n",
          path.c_str(), duration, median(decode_s), median(analysis_s), repeats);
      std::fflush(stdout);
    } catch (const trackprint::Failure& f) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), f.reason().c_str());
      return 1;
    }
  }
  return 0;
}
