// estimate_tuning, ConstantQ and chroma_cqt against librosa 0.11.0 on short synthetic signals.
// Reference values come from this snippet (numpy 2.4, scipy 1.17, soxr 1.1):
//
//   import numpy as np, librosa
//   sr = 22050
//   def sine(f, sec, amp=0.5):
//       i = np.arange(int(sec * sr), dtype=np.float64)
//       return (amp * np.sin(2.0 * np.pi * f * i / sr)).astype(np.float32)
//   y = sine(440.0, 2.0)                       # or 440 * 2**(10/1200), 440 * 2**(20/1200)
//   librosa.estimate_tuning(y=y, sr=sr, bins_per_octave=36)
//   C = np.abs(librosa.cqt(y, sr=sr, n_bins=252, bins_per_octave=36, tuning=None))
//   ch = librosa.feature.chroma_cqt(y=y, sr=sr)
//   C[b, t], ch[:, t], ch.mean(axis=1), ch.mean()
//   # triad: 0.3*sin(C4) + 0.3*sin(E4) + 0.3*sin(G4) summed in float64, 1.5 s, then float32
//   librosa.pitch_tuning(np.array([440 * 2**(0.3/36)] * 3 + [440.0, 0.0], np.float32),
//                        bins_per_octave=36)
//   librosa.filters.cq_to_chroma(252, bins_per_octave=36)
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <memory>
#include <numbers>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "dsp/chroma.hpp"
#include "dsp/cqt.hpp"
#include "dsp/numpy_abs.hpp"
#include "dsp/stft.hpp"
#include "dsp/tuning.hpp"
#include "signals.hpp"
#include "simd_targets.hpp"
#include "unit/signals.hpp"

namespace trackprint {
namespace {

constexpr double kSr = 22050.0;
constexpr std::size_t kBins = 252;

// librosa.estimate_tuning(y=y, sr=22050, bins_per_octave=36): piptrack on |stft(y)|.
double tuning_of(const std::vector<float>& y) {
  const dsp::Spectrogram s = dsp::stft(y, 2048, 512, true);
  std::vector<float> mag(s.data.size());
  for (std::size_t i = 0; i < mag.size(); ++i) mag[i] = dsp::numpy_abs(s.data[i]);
  return dsp::estimate_tuning(mag, s.n_frames, 2048, kSr, 36);
}

std::array<double, 12> class_means(const std::vector<float>& chroma) {
  std::array<double, 12> m{};
  const std::size_t n_frames = chroma.size() / 12;
  for (std::size_t t = 0; t < n_frames; ++t) {
    for (std::size_t c = 0; c < 12; ++c) m[c] += static_cast<double>(chroma[t * 12 + c]);
  }
  for (double& v : m) v /= static_cast<double>(n_frames);
  return m;
}

double mean(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += static_cast<double>(x);
  return s / static_cast<double>(v.size());
}

std::vector<float> c_major_triad(double seconds) {
  const double c4 = 440.0 * std::pow(2.0, -9.0 / 12.0);
  const double e4 = 440.0 * std::pow(2.0, -5.0 / 12.0);
  const double g4 = 440.0 * std::pow(2.0, -2.0 / 12.0);
  std::vector<float> y(static_cast<std::size_t>(seconds * kSr));
  for (std::size_t i = 0; i < y.size(); ++i) {
    const auto x = static_cast<double>(i);
    const double w = 2.0 * std::numbers::pi;
    y[i] =
        static_cast<float>((0.3 * std::sin(w * c4 * x / kSr)) + (0.3 * std::sin(w * e4 * x / kSr)) +
                           (0.3 * std::sin(w * g4 * x / kSr)));
  }
  return y;
}

std::vector<float> cqt_of(const std::vector<float>& y, double tuning) {
  dsp::CqtParams p;
  p.tuning = tuning;
  return dsp::ConstantQ(p).magnitude(y);
}

TEST(PitchTuning, Float32ResidualsFallInLibrosasBin) {
  // 0.3 bins sharp lands in [0.29, 0.30) once the residual is computed in float32, as in librosa.
  const auto sharp = static_cast<float>(440.0 * std::pow(2.0, 0.3 / 36.0));
  const std::vector<float> f = {sharp, sharp, sharp, 440.0f, 0.0f};
  EXPECT_NEAR(dsp::pitch_tuning(f, 36), 0.29, 1e-12);
}

TEST(PitchTuning, NoFrequenciesGivesZero) {
  EXPECT_EQ(dsp::pitch_tuning(std::vector<float>{0.0f, -1.0f}, 36), 0.0);
  EXPECT_EQ(dsp::pitch_tuning(std::vector<float>{}, 36), 0.0);
}

TEST(EstimateTuning, MatchesLibrosaOnSines) {
  // piptrack's parabolic interpolation on a Hann window biases pure tones a little: librosa
  // reads A440 as 0.03 bins sharp, +10 cents (0.3 bins) as 0.26, and +20 cents (0.6 bins,
  // i.e. -0.4 from the next bin up) as -0.47.
  EXPECT_NEAR(tuning_of(test::sine(440.0, 2.0)), 0.03, 1e-12);
  EXPECT_NEAR(tuning_of(test::sine(440.0 * std::pow(2.0, 10.0 / 1200.0), 2.0)), 0.26, 1e-12);
  EXPECT_NEAR(tuning_of(test::sine(440.0 * std::pow(2.0, 20.0 / 1200.0), 2.0)), -0.47, 1e-12);
  EXPECT_NEAR(tuning_of(c_major_triad(1.5)), -0.12, 1e-12);
}

TEST(EstimateTuning, SilenceGivesZero) {
  EXPECT_EQ(tuning_of(std::vector<float>(22050, 0.0f)), 0.0);
}

TEST(TuningEstimator, FrameByFrameIsEstimateTuning) {
  // Pushed one frame at a time, with finish() in between: the same bits as the whole matrix.
  const std::vector<float> y = c_major_triad(1.5);
  const dsp::Spectrogram s = dsp::stft(y, 2048, 512, true);
  dsp::TuningEstimator est(2048, kSr, 36);
  std::vector<float> frame(s.n_bins);
  double partial = 0.0;
  for (std::size_t t = 0; t < s.n_frames; ++t) {
    for (std::size_t k = 0; k < s.n_bins; ++k) frame[k] = dsp::numpy_abs(s.frame(t)[k]);
    est.push(frame);
    if (t == s.n_frames / 2) partial = est.finish();
  }
  EXPECT_EQ(est.frames(), s.n_frames);
  EXPECT_EQ(est.finish(), tuning_of(y));
  EXPECT_EQ(est.finish(), tuning_of(y));  // finish() leaves the estimator usable
  EXPECT_GE(partial, -0.5);
  EXPECT_THROW(est.push(std::vector<float>(100)), std::invalid_argument);
  EXPECT_EQ(dsp::TuningEstimator(2048, kSr, 36).finish(), 0.0);
}

// The SIMD kernels (the CQT's sparse product; tuning's maximum, gate and local maxima) give the
// same bits on every target: noisy input, so that every lane and branch is taken.
TEST(ConstantQ, SameBitsOnEverySimdTarget) {
  std::vector<float> y = trackprint::test::white_noise(22050 * 3, 0.3, 5);
  const std::vector<float> triad = c_major_triad(3.0);
  for (std::size_t i = 0; i < y.size() && i < triad.size(); ++i) y[i] += triad[i];
  const std::shared_ptr<const dsp::ConstantQ> cq = dsp::chroma_kernels(kSr, 0.11);
  std::vector<std::vector<float>> results;
  trackprint::test::for_each_simd_target(
      [&](const std::string&) { results.push_back(cq->magnitude(y)); });
  ASSERT_GE(results.size(), 2u);
  for (const auto& r : results) EXPECT_EQ(r, results.front());
}

TEST(TuningEstimator, SameBitsOnEverySimdTarget) {
  std::vector<float> y = trackprint::test::white_noise(22050 * 3, 0.2, 6);
  const std::vector<float> triad = c_major_triad(3.0);
  for (std::size_t i = 0; i < y.size() && i < triad.size(); ++i) y[i] += triad[i];
  const dsp::Spectrogram s = dsp::stft(y, 2048, 512, true);
  const std::vector<float> mag = dsp::magnitude(s);
  std::vector<std::pair<double, std::size_t>> results;
  trackprint::test::for_each_simd_target([&](const std::string&) {
    dsp::TuningEstimator est(2048, kSr, 36);
    for (std::size_t t = 0; t < s.n_frames; ++t) {
      est.push(std::span<const float>(mag).subspan(t * s.n_bins, s.n_bins));
    }
    results.emplace_back(est.finish(), est.peaks());
  });
  ASSERT_GE(results.size(), 2u);
  EXPECT_GT(results.front().second, 100u);
  for (const auto& r : results) EXPECT_EQ(r, results.front());
}

TEST(ConstantQ, FrequenciesAndFrameCountsAreLibrosas) {
  dsp::CqtParams p;
  p.tuning = 0.27;
  const dsp::ConstantQ cq(p);
  ASSERT_EQ(cq.frequencies().size(), kBins);
  EXPECT_NEAR(cq.frequencies()[153], 625.4972422638448, 1e-9);
  // __trim_stack keeps the fewest frames over octaves.
  EXPECT_EQ(cq.frame_count(44100), 87u);
  EXPECT_EQ(cq.frame_count(11026), 22u);
  EXPECT_EQ(cq.frame_count(100000), 196u);
}

TEST(ConstantQ, A440MatchesLibrosa) {
  const std::vector<float> c = cqt_of(test::sine(440.0, 2.0), 0.03);
  ASSERT_EQ(c.size(), 87 * kBins);
  const float* f = c.data() + 20 * kBins;
  // A4 is bin 135 (C1 + 45 semitones of 3 bins); the basis FFT runs in double here and in
  // complex64 in librosa, hence a relative tolerance rather than equality.
  EXPECT_NEAR(f[134], 6.649641036987305, 6.65 * 1e-5);
  EXPECT_NEAR(f[135], 12.751826286315918, 12.75 * 1e-5);
  EXPECT_NEAR(f[136], 6.126541614532471, 6.13 * 1e-5);
  EXPECT_NEAR(f[99], 5.6908316764747724e-05, 1e-6);
  EXPECT_NEAR(f[171], 6.153940194053575e-05, 1e-6);
  EXPECT_EQ(std::max_element(f, f + kBins) - f, 135);
}

TEST(CqToChroma, ThirdOfASemitoneEitherSideOfEachClass) {
  const std::vector<float> m = dsp::cq_to_chroma(kBins, 36);
  ASSERT_EQ(m.size(), 12 * kBins);
  std::vector<std::size_t> row0, row9;
  for (std::size_t b = 0; b < kBins; ++b) {
    float column_sum = 0;
    for (std::size_t c = 0; c < 12; ++c) column_sum += m[c * kBins + b];
    EXPECT_EQ(column_sum, 1.0f) << "bin " << b;
    if (m[b] != 0.0f) row0.push_back(b);
    if (m[9 * kBins + b] != 0.0f) row9.push_back(b);
  }
  EXPECT_EQ(std::vector<std::size_t>(row0.begin(), row0.begin() + 8),
            (std::vector<std::size_t>{0, 1, 35, 36, 37, 71, 72, 73}));
  EXPECT_EQ(std::vector<std::size_t>(row9.begin(), row9.begin() + 6),
            (std::vector<std::size_t>{26, 27, 28, 62, 63, 64}));
}

TEST(ChromaCqt, A440LightsA) {
  const std::vector<float> y = test::sine(440.0, 2.0);
  const std::vector<float> chroma = dsp::chroma_cqt(y, kSr, tuning_of(y));
  ASSERT_EQ(chroma.size(), 87u * 12u);
  const std::array<double, 12> m = class_means(chroma);
  EXPECT_EQ(m[9], 1.0);  // every frame's maximum is A
  for (std::size_t c = 0; c < 12; ++c) {
    if (c != 9) {
      EXPECT_LT(m[c], 0.02) << "class " << c;
    }
  }
  EXPECT_NEAR(mean(chroma), 0.09261351078748703, 1e-6);
  const std::array<float, 12> frame20 = {1.6812769e-03f, 2.1019178e-03f, 1.8014943e-03f,
                                         1.4448782e-03f, 1.0954773e-03f, 9.1328623e-04f,
                                         7.0404715e-04f, 5.8239693e-04f, 1.1254153e-03f,
                                         1.0f,           4.0268693e-03f, 8.3038770e-04f};
  for (std::size_t c = 0; c < 12; ++c) EXPECT_NEAR(chroma[20 * 12 + c], frame20[c], 1e-6f);
}

TEST(ChromaCqt, SharpSinesStayOnA) {
  const std::vector<float> y = test::sine(440.0 * std::pow(2.0, 20.0 / 1200.0), 2.0);
  const std::vector<float> chroma = dsp::chroma_cqt(y, kSr, tuning_of(y));
  EXPECT_NEAR(mean(chroma), 0.1265467256307602, 1e-6);
  const std::array<double, 12> m = class_means(chroma);
  EXPECT_EQ(m[9], 1.0);
  EXPECT_NEAR(m[10], 0.4111183, 1e-5);  // the tuning estimate leaves it leaning towards A#
}

TEST(ChromaCqt, CMajorTriadLightsCEG) {
  const std::vector<float> y = c_major_triad(1.5);
  const double tuning = tuning_of(y);
  const std::vector<float> chroma = dsp::chroma_cqt(y, kSr, tuning);
  ASSERT_EQ(chroma.size(), 65u * 12u);
  const std::array<double, 12> m = class_means(chroma);
  EXPECT_NEAR(m[0], 1.0, 1e-6);
  EXPECT_NEAR(m[4], 0.8947636, 1e-5);
  EXPECT_NEAR(m[7], 0.82224405, 1e-5);
  for (std::size_t c : {1, 2, 3, 5, 6, 8, 9, 10, 11}) EXPECT_LT(m[c], 0.05) << "class " << c;
  EXPECT_NEAR(mean(chroma), 0.2525603175163269, 1e-6);

  const std::vector<float> c = cqt_of(y, tuning);
  EXPECT_NEAR(c[30 * kBins + 108], 9.845047950744629, 9.85 * 1e-5);  // C4
  EXPECT_NEAR(c[30 * kBins + 120], 8.772351264953613, 8.77 * 1e-5);  // E4
  EXPECT_NEAR(c[30 * kBins + 129], 8.035454750061035, 8.04 * 1e-5);  // G4
}

TEST(ChromaCqt, SilenceIsAllZero) {
  // util.normalize leaves frames whose maximum is below float32 tiny untouched: zeros, not NaN.
  const std::vector<float> chroma = dsp::chroma_cqt(std::vector<float>(22050, 0.0f), kSr, 0.0);
  ASSERT_EQ(chroma.size(), 44u * 12u);
  for (float v : chroma) EXPECT_EQ(v, 0.0f);
}

}  // namespace
}  // namespace trackprint
