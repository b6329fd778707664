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

// librosa.yin's steps in double with the autocorrelation summed directly in time, for one centred
// frame: the reference for what the engine's shorter transform must reproduce.
double direct_yin_f0(const std::vector<float>& y, std::size_t frame_index, double sr, double fmin,
                     double fmax, std::size_t n = 2048, std::size_t hop = 512) {
  std::vector<double> x(n, 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    const auto at =
        static_cast<std::ptrdiff_t>(frame_index * hop + j) - static_cast<std::ptrdiff_t>(n / 2);
    if (at >= 0 && at < static_cast<std::ptrdiff_t>(y.size())) x[j] = y[at];
  }
  const auto min_period = static_cast<std::size_t>(std::floor(sr / fmax));
  const std::size_t max_period = std::min(static_cast<std::size_t>(std::ceil(sr / fmin)), n - 1);
  std::vector<double> acf(max_period + 1, 0.0), diff(max_period + 1, 0.0);
  for (std::size_t k = 0; k <= max_period; ++k) {
    for (std::size_t j = 0; j + k < n; ++j) acf[k] += x[j] * x[j + k];
  }
  double energy = x[0] * x[0], running = 0.0;
  std::vector<double> cmnd;
  for (std::size_t k = 1; k <= max_period; ++k) {
    if (k >= 2) energy += x[k - 1] * x[k - 1];
    diff[k] = 2 * (acf[0] - acf[k]) - (k == 1 ? 0.0 : energy);
    running += diff[k];
    if (k >= min_period) cmnd.push_back(diff[k] / (running / static_cast<double>(k) + 1e-300));
  }
  std::size_t pick = 0;
  bool found = false;
  for (std::size_t i = 1; i + 1 < cmnd.size() && !found; ++i) {
    if (cmnd[i] < cmnd[i - 1] && cmnd[i] <= cmnd[i + 1] && cmnd[i] < 0.1) {
      pick = i;
      found = true;
    }
  }
  if (!found) pick = std::min_element(cmnd.begin(), cmnd.end()) - cmnd.begin();
  double shift = 0.0;
  if (pick > 0 && pick + 1 < cmnd.size()) {
    const double a = cmnd[pick + 1] + cmnd[pick - 1] - 2 * cmnd[pick];
    const double b = (cmnd[pick + 1] - cmnd[pick - 1]) / 2;
    shift = std::abs(b) >= std::abs(a) ? 0.0 : -b / a;
  }
  return sr / (static_cast<double>(min_period + pick) + shift);
}

// The engine's autocorrelation transform is shorter than librosa's (2560 points, not 4096) and
// exact only for the lags YIN reads, the longest of which (338 samples at C2) a tone just above
// C2 uses: its f0 must be the direct sum's, frame for frame. Too short a transform would wrap
// the frame onto itself in exactly those lags.
TEST(Yin, ShorterTransformIsExactForTheLongestPeriods) {
  std::vector<float> y(22050);
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double t = static_cast<double>(i) / 22050;
    y[i] = static_cast<float>(0.5 * std::sin(2 * M_PI * 66 * t) +
                              0.3 * std::sin(2 * M_PI * 132 * t + 0.4) +
                              0.2 * std::sin(2 * M_PI * 198 * t + 1.1));
  }
  const std::vector<double> f0 = yin(y, 22050, kC2, kC7);
  ASSERT_EQ(f0.size(), 1 + 22050u / 512);
  for (std::size_t t = 0; t < f0.size(); ++t) {
    EXPECT_NEAR(f0[t] / direct_yin_f0(y, t, 22050, kC2, kC7), 1.0, 1e-5) << "frame " << t;
  }
  // Away from the padded ends the tone's own period, 22050 / 66 = 334 samples.
  EXPECT_NEAR(f0[f0.size() / 2], 66.0, 0.5);
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
