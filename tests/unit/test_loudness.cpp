// BS.1770 loudness through io::LoudnessMeter: EBU Tech 3341 reference signals.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "io/loudness.hpp"
#include "signals.hpp"

namespace trackprint::io {
namespace {

double measure(const std::vector<std::vector<float>>& planar, int rate,
               std::vector<Speaker> speakers) {
  LoudnessMeter meter(rate, speakers);
  const std::vector<std::span<const float>> block(planar.begin(), planar.end());
  meter.add(block);
  return meter.integrated_lufs();
}

// EBU Tech 3341 case 1: a stereo 1 kHz sine at -23 dBFS reads -23.0 LUFS.
TEST(Loudness, EbuStereoSineAtMinus23) {
  const double amp = std::pow(10.0, -23.0 / 20.0);
  const auto tone = test::sine(1000, 20, 48000, amp);
  EXPECT_NEAR(measure({tone, tone}, 48000, {Speaker::front_left, Speaker::front_right}), -23.0,
              0.1);
  // The same tone at 44.1 kHz: the K-weighting follows the rate.
  const auto tone44 = test::sine(1000, 20, 44100, amp);
  EXPECT_NEAR(measure({tone44, tone44}, 44100, {Speaker::front_left, Speaker::front_right}), -23.0,
              0.1);
}

TEST(Loudness, SilenceIsMinus70AndLfeIsNotCounted) {
  const std::vector<float> silence(48000 * 5, 0.0f);
  EXPECT_EQ(measure({silence, silence}, 48000, {Speaker::front_left, Speaker::front_right}), -70.0);
  const auto loud = test::sine(1000, 5, 48000, 0.5);
  EXPECT_EQ(measure({silence, silence, silence, loud}, 48000,
                    {Speaker::front_left, Speaker::front_right, Speaker::center, Speaker::lfe}),
            -70.0);
}

TEST(Loudness, SurroundsWeighOnePointFourOne) {
  const auto tone = test::sine(1000, 10, 48000, 0.1);
  const std::vector<float> silence(tone.size(), 0.0f);
  const double front = measure({tone, silence}, 48000, {Speaker::front_left, Speaker::front_right});
  const double back =
      measure({silence, tone}, 48000, {Speaker::front_left, Speaker::surround_right});
  EXPECT_NEAR(back - front, 10 * std::log10(1.41), 0.01);
}

}  // namespace
}  // namespace trackprint::io
