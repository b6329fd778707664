// Spectral family and dsp::SpectralShape: known answers from the spec (§5) and per-frame
// reference values from librosa 0.11.0 (spectral_centroid, spectral_rolloff, spectral_flatness).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "dsp/spectral.hpp"
#include "dsp/stft.hpp"
#include "features/families.hpp"
#include "signals.hpp"

namespace trackprint::features {
namespace {

using test::analysed;

Fingerprint spectral(const test::Analysed& p) {
  Fingerprint fp;
  measure_spectral(p.input(), fp);
  return fp;
}

// Same signal as test_temporal.cpp's reference_signal(). Python (numpy 2.x, librosa 0.11.0):
//   sr = 22050; n = np.arange(int(6 * sr)); P = int(0.5 * sr)
//   y = (0.5 * np.sin(2 * np.pi * 440 * n / sr) * np.exp(-(n % P) / (0.02 * sr))
//        + 0.05 * np.sin(2 * np.pi * 3000 * n / sr)).astype(np.float32)
//   M = np.abs(librosa.stft(y))
//   cen = librosa.feature.spectral_centroid(S=M, sr=sr)[0]
//   rol = librosa.feature.spectral_rolloff(S=M, sr=sr, roll_percent=0.85)[0]
//   fla = librosa.feature.spectral_flatness(S=M)[0]
//   cen[::25], rol[::25], fla[::25], np.median(cen) / 8000, np.median(rol) / 10000, np.median(fla)
using test::reference_signal;

// ---------------------------------------------------------------- known answers (spec §5)

TEST(Spectral, WhiteNoiseIsFlat) {
  const Fingerprint fp = spectral(analysed(test::white_noise(22050 * 5)));
  // The flatness of white noise's power spectrum is about exp(-euler_gamma) = 0.56.
  EXPECT_GT(fp[Dim::spectral_flatness], 0.4);
  EXPECT_NEAR(fp[Dim::spectral_centroid], 5512.5 / 8000.0, 0.02);  // half of Nyquist
}

TEST(Spectral, SineCentroidIsItsFrequency) {
  for (double f : {500.0, 1000.0, 3000.0}) {
    const Fingerprint fp = spectral(analysed(test::sine(f, 3)));
    EXPECT_NEAR(fp[Dim::spectral_centroid] * 8000.0, f, 15.0) << f;
    EXPECT_NEAR(fp[Dim::spectral_rolloff] * 10000.0, f, 60.0) << f;
    EXPECT_LT(fp[Dim::spectral_flatness], 1e-3) << f;
  }
}

TEST(Spectral, ClipsToOne) {
  // A 7.9 kHz sine has its centroid near 7.9 kHz (< 8 kHz); 10.5 kHz is past the 8 kHz scale.
  EXPECT_LT(spectral(analysed(test::sine(7900, 2)))[Dim::spectral_centroid], 1.0);
  EXPECT_EQ(spectral(analysed(test::sine(10500, 2)))[Dim::spectral_centroid], 1.0);
  EXPECT_EQ(spectral(analysed(test::sine(10500, 2)))[Dim::spectral_rolloff], 1.0);
}

TEST(Spectral, DigitalSilence) {
  // librosa on zeros: centroid 0 and rolloff 0 (normalize leaves an all-zero column alone),
  // flatness 1.0000007 (amin everywhere, float32 exp/log), clipped to 1.
  const Fingerprint fp = spectral(analysed(std::vector<float>(22050, 0.0f)));
  EXPECT_EQ(fp[Dim::spectral_centroid], 0.0);
  EXPECT_EQ(fp[Dim::spectral_rolloff], 0.0);
  EXPECT_EQ(fp[Dim::spectral_flatness], 1.0);
  dsp::SpectralShape shape(22050, 2048);
  const std::vector<float> zeros(1025, 0.0f);
  EXPECT_NEAR(shape.flatness(zeros), 1.0000007f, 2e-6f);
}

// ---------------------------------------------------------------- librosa 0.11.0 references

TEST(SpectralShape, FramesMatchLibrosa) {
  const test::Analysed p = analysed(reference_signal());
  ASSERT_EQ(p.stft.n_frames, 259u);
  const double centroid[11] = {938.2396775299802,  2391.5866899530993, 2986.006579188313,
                               2999.934310844292,  3000.1840636393713, 3000.18823105221,
                               874.9754424101372,  1919.9924115333072, 2967.2406531098027,
                               2999.5932226472505, 3000.1777482866937};
  const double rolloff[11] = {1507.32421875,   3003.8818359375, 3003.8818359375, 3003.8818359375,
                              3003.8818359375, 3003.8818359375, 1464.2578125,    3003.8818359375,
                              3003.8818359375, 3003.8818359375, 3003.8818359375};
  const float flatness[11] = {
      0.00046823275624774396f, 7.209850494405146e-10f, 3.893257383147386e-10f,
      3.1727939719949916e-10f, 3.008659710257433e-10f, 2.9923377664609063e-10f,
      0.0002837114443536848f,  7.031274451563263e-10f, 4.264964770239743e-10f,
      3.2492117330029657e-10f, 3.0260643990587255e-10f};
  dsp::SpectralShape shape(22050, 2048);
  for (std::size_t i = 0; i < 11; ++i) {
    const std::span<const float> frame = p.frame(25 * i);
    // The inputs differ from librosa's |STFT| by float32 rounding only (FFTW vs pocketfft).
    EXPECT_NEAR(shape.centroid(frame), centroid[i], 1e-6 * centroid[i]) << i;
    EXPECT_DOUBLE_EQ(shape.rolloff(frame), rolloff[i]) << i;
    EXPECT_NEAR(shape.flatness(frame), flatness[i], 1e-5f * flatness[i]) << i;
  }
}

TEST(Spectral, MediansMatchLibrosa) {
  const Fingerprint fp = spectral(analysed(reference_signal()));
  EXPECT_NEAR(fp[Dim::spectral_centroid], 0.3748488172947765, 1e-7);
  EXPECT_DOUBLE_EQ(fp[Dim::spectral_rolloff], 0.30038818359375);
  EXPECT_NEAR(fp[Dim::spectral_flatness], 3.3761322e-10, 1e-15);
}

TEST(SpectralShape, FlatnessOfLongFramesDoesNotOverflow) {
  // 8193 bins of values up to 1e3: the mantissa products are renormalised on the way.
  dsp::SpectralShape shape(22050, 16384);
  std::vector<float> mag(8193);
  double log_sum = 0.0, sum = 0.0;
  for (std::size_t k = 0; k < mag.size(); ++k) {
    mag[k] = static_cast<float>(1e3 * (1.0 + std::sin(static_cast<double>(k))) + 1e-3);
    const float p = std::max(1e-10f, mag[k] * mag[k]);
    log_sum += std::log(static_cast<double>(p));
    sum += static_cast<double>(p);
  }
  const double n = static_cast<double>(mag.size());
  const double expected = std::exp(log_sum / n) / (sum / n);
  EXPECT_NEAR(shape.flatness(mag), expected, 1e-5 * expected);
}

TEST(SpectralShape, FrequenciesAreRfftfreq) {
  dsp::SpectralShape shape(22050, 2048);
  ASSERT_EQ(shape.frequencies().size(), 1025u);
  EXPECT_EQ(shape.frequencies()[0], 0.0);
  EXPECT_DOUBLE_EQ(shape.frequencies()[1], 22050.0 / 2048.0);
  EXPECT_DOUBLE_EQ(shape.frequencies()[1024], 11025.0);
}

}  // namespace
}  // namespace trackprint::features
