// A file gives the same fingerprint whether y is held whole (one decode) or streamed past every
// family (two decodes, the route of long tracks): each family sees the same samples either way.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "analysis/routes.hpp"
#include "corpus_tracks.hpp"
#include "signals.hpp"

namespace trackprint {
namespace {

namespace fs = std::filesystem;

void expect_routes_agree(const std::string& path) {
  const Fingerprint held = analysis::fingerprint_file(path, 1, analysis::Route::held);
  const Fingerprint streamed = analysis::fingerprint_file(path, 1, analysis::Route::streamed);
  // With 2 threads the streamed route hands blocks to a second thread through a queue; the held
  // route analyses while it decodes, then splits YIN and the chroma between the threads.
  const Fingerprint piped = analysis::fingerprint_file(path, 2, analysis::Route::streamed);
  const Fingerprint overlapped = analysis::fingerprint_file(path, 2, analysis::Route::held);
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    EXPECT_EQ(held.values[d], streamed.values[d]) << path << ": " << kDimensions[d].name;
    EXPECT_EQ(held.values[d], piped.values[d]) << path << ": " << kDimensions[d].name;
    EXPECT_EQ(held.values[d], overlapped.values[d]) << path << ": " << kDimensions[d].name;
  }
  EXPECT_EQ(held.duration_s, streamed.duration_s);
  EXPECT_EQ(held.duration_s, overlapped.duration_s);
  EXPECT_EQ(held.codec, streamed.codec);
}

TEST(Routes, HeldAndStreamedGiveTheSameBitsOnASyntheticTrack) {
  // A name of this process's own: other checkouts may run this test at the same moment.
  const fs::path path =
      fs::temp_directory_path() / ("trackprint_routes_test_" + std::to_string(getpid()) + ".wav");
  // 12 s of clicks at 120 BPM over a saw and a sine, with some noise in the right channel.
  std::vector<float> left = test::click_track(120, 12, 44100);
  const std::vector<float> saw = test::saw_with_bursts(left.size());
  const std::vector<float> tone = test::sine(330, 12, 44100, 0.2);
  std::vector<float> right = test::white_noise(left.size(), 0.1, 9);
  for (std::size_t i = 0; i < left.size(); ++i) {
    left[i] = 0.5f * left[i] + 0.3f * saw[i];
    right[i] += tone[i] + 0.3f * saw[i];
  }
  test::write_wav(path, left, right, 44100);
  expect_routes_agree(path.string());
  fs::remove(path);
}

// Real music: the ci tier's first two tracks (all of them with TRACKPRINT_ROUTES_ALL).
TEST(Routes, HeldAndStreamedGiveTheSameBitsOnRealMusic) {
  TRACKPRINT_CORPUS_OR_SKIP(corpus);
  std::vector<fs::path> tracks = test::corpus_tier_tracks(corpus, "ci");
  const char* all = std::getenv("TRACKPRINT_ROUTES_ALL");
  if (all == nullptr) tracks.resize(std::min<std::size_t>(tracks.size(), 2));
  for (const fs::path& track : tracks) expect_routes_agree(track.string());
}

}  // namespace
}  // namespace trackprint
