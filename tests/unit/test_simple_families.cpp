// Known answers (spec §5) for the families computed from plain sums: frequency, dynamics
// (crest, bass/mid), variation and stereo.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "features/families.hpp"
#include "signals.hpp"

namespace trackprint::features {
namespace {

TEST(Frequency, OneKilohertzSineLandsInMid) {
  Fingerprint fp;
  measure_frequency(band_energies(test::sine(1000, 3)), fp);
  EXPECT_GT(fp[Dim::mid_pct], 0.999);
  double total = 0;
  for (std::size_t b = 0; b < 7; ++b) total += fp.values[b];
  EXPECT_NEAR(total, 1.0, 1e-12);
}

TEST(Frequency, EachBandCatchesItsOwnSine) {
  const double centres[7] = {40, 150, 375, 1000, 3000, 5000, 9000};
  for (std::size_t b = 0; b < 7; ++b) {
    Fingerprint fp;
    measure_frequency(band_energies(test::sine(centres[b], 3)), fp);
    EXPECT_GT(fp.values[b], 0.99) << "band " << b << " at " << centres[b] << " Hz";
  }
}

TEST(Frequency, SilenceGivesAllZeros) {
  Fingerprint fp;
  measure_frequency(band_energies(std::vector<float>(22050, 0.0f)), fp);
  for (std::size_t b = 0; b < 7; ++b) EXPECT_EQ(fp.values[b], 0.0);
}

TEST(Dynamics, SineCrestIsThreeDecibels) {
  const auto y = test::sine(440, 2);
  Fingerprint fp;
  measure_dynamics(y, band_energies(y), fp);
  EXPECT_NEAR(fp[Dim::crest_db], 20 * std::log10(std::sqrt(2.0)), 0.01);
}

TEST(Dynamics, BassMidRatioIsZeroWithoutMids) {
  const auto y = test::sine(100, 2);
  Fingerprint fp;
  measure_dynamics(y, band_energies(y), fp);
  // Hann leakage leaves some energy in 250-2000 Hz, so the ratio is large and positive...
  EXPECT_GT(fp[Dim::bass_mid_ratio], 30.0);
  const std::vector<float> silent(22050, 0.0f);
  measure_dynamics(silent, band_energies(silent), fp);
  EXPECT_EQ(fp[Dim::bass_mid_ratio], 0.0);  // ...and silence has no sides at all.
  EXPECT_EQ(fp[Dim::crest_db], 0.0);
}

// The stereo family is fed in blocks of these sizes, which must not change the answer.
Fingerprint stereo_of(const std::vector<float>& l, const std::vector<float>& r,
                      std::size_t block = 4096) {
  StereoAccumulator acc;
  for (std::size_t i = 0; i < l.size(); i += block) {
    const std::size_t n = std::min(block, l.size() - i);
    acc.add(std::span<const float>(l).subspan(i, n), std::span<const float>(r).subspan(i, n));
  }
  Fingerprint fp;
  acc.finish(fp);
  return fp;
}

TEST(Stereo, IdenticalChannelsHaveNoWidthAndFullCorrelation) {
  const auto x = test::white_noise(22050 * 2);
  const Fingerprint fp = stereo_of(x, x);
  EXPECT_EQ(fp[Dim::stereo_width], 0.0);
  EXPECT_NEAR(fp[Dim::phase_correlation], 1.0, 1e-12);
}

TEST(Stereo, OppositeChannelsAreAllSideAndAnticorrelated) {
  const auto x = test::white_noise(22050 * 2);
  std::vector<float> neg(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) neg[i] = -x[i];
  const Fingerprint fp = stereo_of(x, neg);
  EXPECT_NEAR(fp[Dim::stereo_width], 1.0, 1e-12);
  EXPECT_NEAR(fp[Dim::phase_correlation], -1.0, 1e-12);
}

TEST(Stereo, MonoAndConstantChannelsUseTheSpecDefaults) {
  const auto x = test::white_noise(22050);
  Fingerprint fp;
  StereoAccumulator().finish(fp);  // mono: no block ever added
  EXPECT_EQ(fp[Dim::stereo_width], 0.0);
  EXPECT_EQ(fp[Dim::phase_correlation], 1.0);
  EXPECT_EQ(stereo_of(x, std::vector<float>(x.size(), 0.0f))[Dim::phase_correlation], 1.0);
}

// Block-wise moments merged pairwise equal the two-pass correlation over the whole signal,
// whatever the block size, even with a large DC offset on one channel.
TEST(Stereo, BlockSizeDoesNotChangeTheCorrelation) {
  const auto a = test::white_noise(50000, 0.5, 1);
  const auto b = test::white_noise(50000, 0.5, 2);
  std::vector<float> l(a.size()), r(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    l[i] = a[i] + 0.8f;  // DC offset
    r[i] = 0.6f * a[i] + 0.4f * b[i];
  }
  double ml = 0, mr = 0;
  for (std::size_t i = 0; i < l.size(); ++i) {
    ml += static_cast<double>(l[i]);
    mr += static_cast<double>(r[i]);
  }
  ml /= static_cast<double>(l.size());
  mr /= static_cast<double>(r.size());
  double lr = 0, ll = 0, rr = 0;
  for (std::size_t i = 0; i < l.size(); ++i) {
    const double x = static_cast<double>(l[i]) - ml, y = static_cast<double>(r[i]) - mr;
    lr += x * y;
    ll += x * x;
    rr += y * y;
  }
  const double expected = lr / std::sqrt(ll * rr);
  const Fingerprint whole = stereo_of(l, r, l.size());
  for (std::size_t block : {1u, 7u, 511u, 4096u, 4097u, 50000u}) {
    const Fingerprint fp = stereo_of(l, r, block);
    EXPECT_NEAR(fp[Dim::phase_correlation], expected, 1e-12) << block;
    // The same bits, too: the accumulator summarises 4096 samples at a time however they come
    // (a decoder's blocks, or a second thread's batches, give the same values).
    EXPECT_EQ(fp[Dim::phase_correlation], whole[Dim::phase_correlation]) << block;
    EXPECT_EQ(fp[Dim::stereo_width], whole[Dim::stereo_width]) << block;
  }
}

TEST(Variation, SteadySineIsConsistentAndFlat) {
  const auto y = test::sine(440, 5);
  Fingerprint fp;
  measure_variation(y, fp);
  // The last block starts 10 samples before the end (5 s = 20 hops + 10): its peak is small.
  EXPECT_LT(fp[Dim::peak_consistency], 0.995);
  // With 200 samples in the last block every block reaches the sine's peak.
  const auto y2 = test::sine(440, (20.0 * 5512 + 200) / 22050);
  Fingerprint fq;
  measure_variation(y2, fq);
  EXPECT_NEAR(fq[Dim::peak_consistency], 1.0, 1e-4);
  EXPECT_LT(fq[Dim::dynamic_range_variation], 0.01);
  // 21 RMS frames; only the two half-padded edge frames dip, by 3 dB: std = sqrt(18/21 - (6/21)^2).
  EXPECT_NEAR(fp[Dim::loudness_variation_std], std::sqrt(18.0 / 21 - 36.0 / 441), 0.02);
}

TEST(Variation, HalfSilenceVariesAndSilenceUsesDefaults) {
  auto y = test::sine(440, 4);
  std::fill(y.begin() + static_cast<std::ptrdiff_t>(y.size() / 2), y.end(), 0.0f);
  Fingerprint fp;
  measure_variation(y, fp);
  EXPECT_LT(fp[Dim::peak_consistency], 0.6);
  EXPECT_GT(fp[Dim::loudness_variation_std], 9.0);  // clipped at the 80 dB floor, then at 10
  measure_variation(std::vector<float>(22050 * 2, 0.0f), fp);
  EXPECT_EQ(fp[Dim::peak_consistency], 0.5);
  EXPECT_EQ(fp[Dim::dynamic_range_variation], 0.5);
  EXPECT_EQ(fp[Dim::loudness_variation_std], 0.0);
}

}  // namespace
}  // namespace trackprint::features
