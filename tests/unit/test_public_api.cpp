// The library as a C++ user meets it: only the public header, results and errors as values.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <span>
#include <vector>

#include "trackprint/trackprint.hpp"

namespace {

std::vector<float> tone(double freq, double seconds, int rate) {
  std::vector<float> y(static_cast<std::size_t>(seconds * rate));
  for (std::size_t i = 0; i < y.size(); ++i) {
    y[i] = static_cast<float>(
        0.3 * std::sin(2 * std::numbers::pi * freq * static_cast<double>(i) / rate));
  }
  return y;
}

TEST(PublicApi, SamplesGiveAFingerprintWithTheirDescription) {
  const auto y = tone(1000, 3, 48000);
  const std::vector<std::span<const float>> channels{y, y};
  const auto r = trackprint::analyze_samples(channels, 48000);
  ASSERT_TRUE(r.ok()) << r.error().message();
  const trackprint::Fingerprint& fp = r.value();
  EXPECT_EQ(fp.version, trackprint::kFingerprintVersion);
  EXPECT_EQ(fp.sample_rate, 48000);
  EXPECT_EQ(fp.channels, 2);
  EXPECT_DOUBLE_EQ(fp.duration_s, 3.0);
  EXPECT_GT(fp[trackprint::Dim::mid_pct], 0.99);
  EXPECT_EQ(fp[trackprint::Dim::stereo_width], 0.0);
  for (const auto& d : trackprint::kDimensions) {
    const double v = fp[*trackprint::dimension_named(d.name)];
    EXPECT_TRUE(std::isfinite(v)) << d.name;
    EXPECT_GE(v, d.min) << d.name;
    EXPECT_LE(v, d.max) << d.name;
  }
}

std::vector<std::span<const float>> mono_of(const std::vector<float>& y) {
  return {std::span<const float>(y)};
}

TEST(PublicApi, BadInputIsAnErrorWithAKindNotACrash) {
  const auto y = tone(440, 1, 22050);
  auto nan = y;
  nan[100] = std::numeric_limits<float>::quiet_NaN();
  const std::vector<std::span<const float>> with_nan{nan};
  EXPECT_EQ(trackprint::analyze_samples(with_nan, 22050).error().kind,
            trackprint::ErrorKind::invalid_audio);
  // Finite but absurd (their powers overflow): bad audio, not an engine fault.
  const std::vector<float> huge(22050, 3e38f);
  const std::vector<std::span<const float>> with_huge{huge};
  EXPECT_EQ(trackprint::analyze_samples(with_huge, 22050).error().kind,
            trackprint::ErrorKind::invalid_audio);
  // 65 channels: over libebur128's 64, refused before any work ("out of memory" before).
  const std::vector<std::span<const float>> many(65, std::span<const float>(y));
  const auto r65 = trackprint::analyze_samples(many, 22050);
  ASSERT_FALSE(r65.ok());
  EXPECT_EQ(r65.error().kind, trackprint::ErrorKind::invalid_input);
  EXPECT_EQ(r65.error().reason, "65 channels; trackprint reads 1 to 64");
  // Over the duration limit.
  trackprint::AnalysisOptions half_second;
  half_second.max_duration_s = 0.5;
  EXPECT_EQ(trackprint::analyze_samples(mono_of(y), 22050, half_second).error().kind,
            trackprint::ErrorKind::too_long);
  half_second.max_duration_s = -1;
  EXPECT_EQ(trackprint::analyze_samples(mono_of(y), 22050, half_second).error().kind,
            trackprint::ErrorKind::invalid_input);

  const std::vector<float> short_y(22050 / 4, 0.1f);
  const std::vector<std::span<const float>> too_short{short_y};
  const auto r = trackprint::analyze_samples(too_short, 22050);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, trackprint::ErrorKind::too_short);

  const std::vector<float> half(y.begin(), y.begin() + 1000);
  const std::vector<std::span<const float>> ragged{y, half};
  EXPECT_EQ(trackprint::analyze_samples(ragged, 22050).error().kind,
            trackprint::ErrorKind::invalid_input);
  EXPECT_EQ(trackprint::analyze_samples({}, 22050).error().kind,
            trackprint::ErrorKind::invalid_input);
  const std::vector<std::span<const float>> mono{y};
  EXPECT_EQ(trackprint::analyze_samples(mono, 10).error().kind,
            trackprint::ErrorKind::invalid_input);

  const auto missing = trackprint::analyze_file("/no/such/file.flac");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, trackprint::ErrorKind::io);
  EXPECT_EQ(missing.error().message(), "/no/such/file.flac: no such file");
}

TEST(PublicApi, ThreadsDoNotChangeTheResult) {
  const auto y = tone(220, 4, 44100);
  const std::vector<std::span<const float>> channels{y};
  const auto one = trackprint::analyze_samples(channels, 44100, {.threads = 1});
  const auto two = trackprint::analyze_samples(channels, 44100, {.threads = 2});
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_EQ(one.value().values, two.value().values);
}

}  // namespace
