// dsp::yin (librosa.yin, 0.11): a sine's pitch, librosa reference values, silence, parameters.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "dsp/yin.hpp"
#include "signals.hpp"
#include "simd_targets.hpp"

namespace trackprint::dsp {
namespace {

// librosa.note_to_hz("C2"), librosa.note_to_hz("C7")
constexpr double kC2 = 65.40639132514966;
constexpr double kC7 = 2093.004522404789;

// 220.5 Hz sawtooth plus noise bursts (signals.hpp gives the numpy that builds it).
using test::saw_with_bursts;

// YIN's power-spectrum kernel gives the same bits on every SIMD target.
TEST(Yin, SameBitsOnEverySimdTarget) {
  const std::vector<float> y = saw_with_bursts(22050 * 2);
  std::vector<std::vector<double>> results;
  test::for_each_simd_target(
      [&](const std::string&) { results.push_back(yin(y, 22050, kC2, kC7)); });
  ASSERT_GE(results.size(), 2u);
  for (const auto& r : results) EXPECT_EQ(r, results.front());
}

TEST(Yin, SineAt220Hz) {
  const std::vector<double> f0 = yin(test::sine(220, 3), 22050, kC2, kC7);
  ASSERT_EQ(f0.size(), 1 + 66150u / 512);
  // Frames away from the zero-padded ends see a full 2048 samples of the sine.
  for (std::size_t t = 4; t + 4 < f0.size(); ++t) EXPECT_NEAR(f0[t], 220.0, 0.5) << "frame " << t;
}

TEST(Yin, MatchesLibrosa) {
  // y = saw_with_bursts(44100)
  // librosa.yin(y, fmin=librosa.note_to_hz("C2"), fmax=librosa.note_to_hz("C7"), sr=22050)[::8]
  // (87 frames; librosa itself drops an octave at frames 56 and 64)
  const double expected[] = {218.2359410051498,  220.52000844286917, 220.52145445228885,
                             220.52603395039188, 221.63908608463262, 220.52685736505464,
                             220.50095186976216, 110.22885574261299, 110.2042742171841,
                             220.5233026496194,  220.52163516978575};
  const std::vector<double> f0 = yin(saw_with_bursts(44100), 22050, kC2, kC7, 2048, 512);
  ASSERT_EQ(f0.size(), 87u);
  for (std::size_t i = 0; i < std::size(expected); ++i) {
    EXPECT_NEAR(f0[8 * i] / expected[i], 1.0, 1e-6) << "frame " << 8 * i;
  }
}

TEST(Yin, SilenceFallsBackToTheShortestPeriod) {
  // librosa.yin(np.zeros(22050, np.float32), fmin=C2, fmax=C7, sr=22050) is 2205.0 everywhere:
  // no trough, argmin picks the first lag, min_period = floor(22050 / C7) = 10.
  const std::vector<double> f0 = yin(std::vector<float>(22050, 0.0f), 22050, kC2, kC7);
  ASSERT_EQ(f0.size(), 44u);
  for (double f : f0) EXPECT_EQ(f, 2205.0);
}

TEST(Yin, RejectsWhatLibrosaRejects) {
  const std::vector<float> y(4096, 0.0f);
  EXPECT_THROW(yin(y, 22050, 100, 12000), std::invalid_argument);  // fmax above Nyquist
  EXPECT_THROW(yin(y, 22050, 500, 400), std::invalid_argument);    // fmin >= fmax
  EXPECT_THROW(yin(y, 22050, 0, 400), std::invalid_argument);      // fmin <= 0
  EXPECT_THROW(yin(y, 22050, 10, 400), std::invalid_argument);     // period longer than frame
}

}  // namespace
}  // namespace trackprint::dsp
