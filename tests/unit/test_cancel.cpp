// A caller's cancel flag (AnalysisOptions::cancel): set, every entry point and every route
// returns kind cancelled instead of a fingerprint; unset, it changes nothing. (How fast a set
// flag stops a long file is measured by tests/robustness/test_interrupt.py, not here.)
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "analysis/routes.hpp"
#include "signals.hpp"
#include "trackprint/trackprint.hpp"

namespace trackprint {
namespace {

namespace fs = std::filesystem;

// A file of this process's own: other checkouts may run this test at the same moment.
class CancelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ =
        fs::temp_directory_path() / ("trackprint_cancel_test_" + std::to_string(getpid()) + ".wav");
    left_ = test::click_track(120, 6, 44100);
    right_ = test::white_noise(left_.size(), 0.1, 3);
    test::write_wav(path_, left_, right_, 44100);
  }
  void TearDown() override { fs::remove(path_); }

  fs::path path_;
  std::vector<float> left_, right_;
};

TEST_F(CancelTest, ASetFlagGivesKindCancelledForAFileAndForSamples) {
  const std::atomic<bool> set{true};
  AnalysisOptions options;
  options.cancel = &set;
  const auto file = analyze_file(path_.string(), options);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().kind, ErrorKind::cancelled);
  EXPECT_EQ(file.error().path, path_.string());
  EXPECT_EQ(to_string(file.error().kind), "cancelled");
  const std::vector<std::span<const float>> channels{left_, right_};
  const auto samples = analyze_samples(channels, 44100, options);
  ASSERT_FALSE(samples.ok());
  EXPECT_EQ(samples.error().kind, ErrorKind::cancelled);
  EXPECT_EQ(error_kind_named("cancelled"), ErrorKind::cancelled);
}

TEST_F(CancelTest, AnUnsetFlagChangesNoBit) {
  const std::atomic<bool> unset{false};
  AnalysisOptions options;
  options.cancel = &unset;
  const auto with = analyze_file(path_.string(), options);
  const auto without = analyze_file(path_.string());
  ASSERT_TRUE(with.ok()) << with.error().message();
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(with.value().values, without.value().values);
}

TEST_F(CancelTest, EveryRouteStopsOnASetFlag) {
  const std::atomic<bool> set{true};
  for (const analysis::Route route : {analysis::Route::held, analysis::Route::streamed}) {
    for (const int threads : {1, 2}) {
      try {
        (void)analysis::fingerprint_file(path_.string(), threads, route, kDefaultMaxDurationSeconds,
                                         nullptr, nullptr, CancelFlag(&set));
        ADD_FAILURE() << "not cancelled: threads " << threads;
      } catch (const Failure& f) {
        EXPECT_EQ(f.kind(), ErrorKind::cancelled) << f.reason();
      }
    }
  }
}

// The held route's loops after decoding (the families reading y, YIN, the chroma) check the
// flag too: a flag set once y is whole still stops it, on one thread and on two.
TEST_F(CancelTest, TheHeldRouteStopsAfterDecodingToo) {
  analysis::SignalBuilder signal(44100, {io::Speaker::front_left, io::Speaker::front_right});
  const std::vector<std::span<const float>> block{left_, right_};
  signal.add(block);
  signal.finish();
  const std::atomic<bool> set{true};
  for (const int threads : {1, 2}) {
    try {
      (void)analysis::fingerprint_of(signal, threads, nullptr, CancelFlag(&set));
      ADD_FAILURE() << "not cancelled: threads " << threads;
    } catch (const Failure& f) {
      EXPECT_EQ(f.kind(), ErrorKind::cancelled);
    }
  }
}

}  // namespace
}  // namespace trackprint
