// The exact bits of one generated track's fingerprint, pinned. Any change that moves any bit of
// any value (an algorithm, a constant, an order of summation, a library) fails here, so that it
// cannot reach a user unannounced: stored fingerprints of the old numbers would otherwise look
// current. When the change is intended, bump kNumbersVersion (include/trackprint/
// numbers_version.hpp) and paste the new bits printed below.
#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "dsp/fft.hpp"
#include "trackprint/numbers_version.hpp"
#include "trackprint/trackprint.hpp"
#include "unit/signals.hpp"

namespace trackprint {
namespace {

// 4 s of stereo at 44100 Hz (so resampling, loudness and stereo all run): a tone, clicks at
// 120 BPM and noise on the left; another tone and other noise on the right.
std::array<std::vector<float>, 2> pinned_track() {
  constexpr double kRate = 44100;
  const std::size_t n = static_cast<std::size_t>(4 * kRate);
  const auto tone_l = test::sine(440, 4, kRate, 0.3);
  const auto tone_r = test::sine(659.25, 4, kRate, 0.25);
  const auto clicks = test::click_track(120, 4, kRate);
  const auto noise_l = test::white_noise(n, 0.05, 1);
  const auto noise_r = test::white_noise(n, 0.05, 2);
  std::array<std::vector<float>, 2> out{std::vector<float>(n), std::vector<float>(n)};
  for (std::size_t i = 0; i < n; ++i) {
    out[0][i] = tone_l[i] + (i < clicks.size() ? clicks[i] : 0.0f) + noise_l[i];
    out[1][i] = tone_r[i] + noise_r[i];
  }
  return out;
}

std::string hex(double v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016llx",
                static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(v)));
  return buf;
}

// The bits made with numbers version 4 (YIN's 2560-point autocorrelation, the loudness
// filter's order).
constexpr int kPinnedNumbersVersion = 4;
const std::array<const char*, kDimensionCount> kPinnedBits{{
    "0x3f139f9d85dca0f9",  // sub_bass_pct
    "0x3f3ce9f1eb22c2ef",  // bass_pct
    "0x3fe29f676d5f514b",  // low_mid_pct
    "0x3fd9ebbd7fd41c75",  // mid_pct
    "0x3f694d3eea14d34b",  // upper_mid_pct
    "0x3f69be0a4d6d542c",  // presence_pct
    "0x3f79ba272ac58abe",  // air_pct
    "0xc026d53a3b7e6a3b",  // lufs
    "0x40284568d6a0b934",  // crest_db
    "0xc040bf96c3d1313d",  // bass_mid_ratio
    "0x405d5d0ba2e8ba2f",  // tempo_bpm
    "0x3fee91a9e16c0958",  // rhythm_stability
    "0x3fc999999999999a",  // transient_density
    "0x0000000000000000",  // silence_ratio
    "0x3fd91e9bfe2a49de",  // spectral_centroid
    "0x3fe887d70a3d70a4",  // spectral_rolloff
    "0x3f726fcbe0000000",  // spectral_flatness
    "0x3fed5bdab4e95896",  // harmonic_ratio
    "0x3fefe0f1638873f2",  // pitch_stability
    "0x3fde2486c99a04ee",  // chroma_energy
    "0x3fd7191b8a6f2c40",  // dynamic_range_variation
    "0x3fee7918bd6efdc4",  // loudness_variation_std
    "0x3feb1cb64985eb9a",  // peak_consistency
    "0x3fdff8b31bdc4b20",  // stereo_width
    "0x3f4db941eed53b9e",  // phase_correlation
}};

TEST(PinnedFingerprint, TheNumbersOfAGeneratedTrackAreTheOnesPinned) {
  const auto track = pinned_track();
  const std::vector<std::span<const float>> channels{track[0], track[1]};
  const Result<Fingerprint> fp = analyze_samples(channels, 44100);
  ASSERT_TRUE(fp.ok()) << fp.error().message();
  // The pinned bits are those of the wisdom's plans; FFTW_ESTIMATE's differ in the last digits.
  EXPECT_TRUE(dsp::built_in_fft_wisdom_accepted())
      << "src/dsp/fftw_wisdom.inc is not in use: this FFTW is another version or configuration "
         "than Debian 12's 3.3.10 (remake it with bench/wisdom/run), or the CPU lacks AVX2";
  std::string now;
  int moved = 0;
  for (std::size_t i = 0; i < kDimensionCount; ++i) {
    now +=
        "    \"" + hex(fp.value().values[i]) + "\",  // " + std::string(kDimensions[i].name) + "\n";
    if (hex(fp.value().values[i]) != kPinnedBits[i]) ++moved;
  }
  EXPECT_EQ(moved, 0) << moved << " of the 25 values changed bits. If that is intended, bump "
                      << "kNumbersVersion in include/trackprint/numbers_version.hpp (now "
                      << kNumbersVersion << ") so that stored fingerprints are recomputed, "
                      << "and pin the new bits:\n"
                      << now;
  // Every thread count computes the same bits (a second thread must not be a second numbers).
  AnalysisOptions two;
  two.threads = 2;
  const Result<Fingerprint> threaded = analyze_samples(channels, 44100, two);
  ASSERT_TRUE(threaded.ok());
  EXPECT_EQ(threaded.value().values, fp.value().values);
  EXPECT_EQ(kNumbersVersion, kPinnedNumbersVersion)
      << "kNumbersVersion changed: pin the bits it makes here (kPinnedBits) and set "
         "kPinnedNumbersVersion to it";
}

}  // namespace
}  // namespace trackprint
