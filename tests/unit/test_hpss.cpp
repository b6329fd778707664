// dsp::hpss_energy (librosa.effects.hpss) and dsp::istft (librosa.istft): meaning (a sine is
// harmonic, clicks are percussive, istft inverts stft) and librosa 0.11 reference values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <stdexcept>
#include <vector>

#include "dsp/hpss.hpp"
#include "dsp/istft.hpp"
#include "dsp/stft.hpp"
#include "signals.hpp"
#include "simd_targets.hpp"

namespace trackprint::dsp {
namespace {

// 220.5 Hz sawtooth plus noise bursts (signals.hpp gives the numpy that builds it).
using test::saw_with_bursts;

HpssEnergy hpss_of(const std::vector<float>& y) {
  const Spectrogram s = stft(y, 2048, 512, true);
  return hpss_energy(s, magnitude(s), 512, y);
}

double ratio(const HpssEnergy& e) {
  const double rh = std::sqrt(e.harmonic), rp = std::sqrt(e.percussive);
  return rh / (rh + rp);
}

double sum_squares(const std::vector<float>& y) {
  double s = 0;
  for (float v : y) s += static_cast<double>(v) * static_cast<double>(v);
  return s;
}

TEST(Hpss, SoftMasksSplitZerosLikeLibrosa) {
  // librosa.util.softmask(np.float32(3), np.float32(4), power=2) = 9/25; margin 1 makes
  // decompose.hpss pass split_zeros=True, so bins where both medians are below float32's tiny
  // get 0.5 each (not 0).
  EXPECT_EQ(hpss_soft_masks(3.0f, 4.0f).harmonic, 9.0f / 25.0f);
  EXPECT_EQ(hpss_soft_masks(3.0f, 4.0f).percussive, 16.0f / 25.0f);
  EXPECT_EQ(hpss_soft_masks(0.0f, 0.0f).harmonic, 0.5f);
  EXPECT_EQ(hpss_soft_masks(0.0f, 0.0f).percussive, 0.5f);
  EXPECT_EQ(hpss_soft_masks(1e-39f, 0.0f).harmonic, 0.5f);  // subnormal: below tiny
  EXPECT_EQ(hpss_soft_masks(2e-38f, 0.0f).harmonic, 1.0f);
  EXPECT_EQ(hpss_soft_masks(2e-38f, 0.0f).percussive, 0.0f);
}

TEST(Hpss, SoftMasksAreLibrosasFormula) {
  // softmask(X, X_ref, power=2, split_zeros=True) as numpy computes it, two divisions by Z.
  std::vector<float> v = {0.0f, 1e-40f, 1e-38f, 2e-38f, 0.25f, 0.5f, 1.0f, 3.0f, 7.0f, 1e30f};
  for (int i = 1; i < 200; ++i) v.push_back(static_cast<float>(i * i % 97) / 13.0f);
  for (float harm : v) {
    for (float perc : v) {
      const float z = std::max(harm, perc);
      float mh = 0.5f, mp = 0.5f;
      if (!(z < std::numeric_limits<float>::min())) {
        const float h = harm / z, p = perc / z;
        mh = h * h / (h * h + p * p);
        mp = p * p / (h * h + p * p);
      }
      ASSERT_EQ(hpss_soft_masks(harm, perc).harmonic, mh) << harm << " " << perc;
      ASSERT_EQ(hpss_soft_masks(harm, perc).percussive, mp) << harm << " " << perc;
    }
  }
}

TEST(Hpss, SineIsHarmonic) {
  const HpssEnergy e = hpss_of(test::sine(440, 3));
  EXPECT_GT(ratio(e), 0.9);
  // The two parts of a signal that is all one kind still add up to about its energy.
  EXPECT_NEAR((e.harmonic + e.percussive) / sum_squares(test::sine(440, 3)), 1.0, 0.05);
}

TEST(Hpss, ClicksArePercussive) {
  EXPECT_LT(ratio(hpss_of(test::click_track(120, 4))), 0.3);
}

TEST(Hpss, SilenceHasNoEnergy) {
  const HpssEnergy e = hpss_of(std::vector<float>(22050, 0.0f));
  EXPECT_EQ(e.harmonic, 0.0);
  EXPECT_EQ(e.percussive, 0.0);
}

TEST(Hpss, MatchesLibrosa) {
  // h, p = librosa.effects.hpss(y)   # librosa 0.11.0, y = saw_with_bursts(n)
  // np.sum(h.astype(np.float64)**2), np.sum(p.astype(np.float64)**2)
  // n = 44100: 322.74310332945595, 160.02112572807044
  // n = 2205 (5 frames: the time filter folds the reflection several times):
  //            15.581804722311585, 17.946213023213925
  const HpssEnergy e = hpss_of(saw_with_bursts(44100));
  EXPECT_NEAR(e.harmonic / 322.74310332945595, 1.0, 1e-6);
  EXPECT_NEAR(e.percussive / 160.02112572807044, 1.0, 1e-6);
  const HpssEnergy s = hpss_of(saw_with_bursts(2205));
  EXPECT_NEAR(s.harmonic / 15.581804722311585, 1.0, 1e-6);
  EXPECT_NEAR(s.percussive / 17.946213023213925, 1.0, 1e-6);
}

TEST(Hpss, AccumulatorStreamsTheSameBitsOnEveryTarget) {
  // Frames pushed one at a time give hpss_energy's sums, whatever the kernels' instruction set;
  // lengths cover one frame, fewer frames than the median window, and a partial last batch.
  // Other sizes too: 33 bins (two 16-bin blocks and one more), 9 (fewer than the window).
  struct Case {
    std::size_t n, n_fft, hop;
  };
  for (const Case c : {Case{100, 2048, 512}, Case{2205, 2048, 512}, Case{9000, 2048, 512},
                       Case{44100, 2048, 512}, Case{3000, 64, 16}, Case{500, 16, 4}}) {
    const std::size_t n = c.n;
    const std::vector<float> y = saw_with_bursts(n);
    const Spectrogram s = stft(y, c.n_fft, c.hop, true);
    const std::vector<float> mag = magnitude(s);
    const HpssEnergy whole = hpss_energy(s, mag, c.hop, y);
    EXPECT_GT(whole.harmonic, 0.0);
    test::for_each_simd_target([&](const std::string& target) {
      HpssEnergyAccumulator acc(c.n_fft, c.hop, y.size(), s.n_frames);
      ASSERT_EQ(acc.frame_count(), s.n_frames);
      EXPECT_THROW(acc.finish(), std::logic_error);
      acc.push_samples(y);
      for (std::size_t t = 0; t < s.n_frames; ++t) {
        acc.push(s.frame(t), std::span<const float>(mag).subspan(t * s.n_bins, s.n_bins));
      }
      EXPECT_THROW(acc.push(s.frame(0), std::span<const float>(mag).subspan(0, s.n_bins)),
                   std::logic_error);
      const HpssEnergy e = acc.finish();
      EXPECT_EQ(e.harmonic, whole.harmonic) << target << " n=" << n;
      EXPECT_EQ(e.percussive, whole.percussive) << target << " n=" << n;
      // Without the length up front (y still streaming in, a hop ahead of the frames), told
      // it at the end.
      HpssEnergyAccumulator unknown(c.n_fft, c.hop);
      for (std::size_t t = 0; t < s.n_frames; ++t) {
        const std::size_t ahead = std::min(y.size(), t * c.hop + c.n_fft / 2 + c.hop);
        const std::size_t given =
            std::min(y.size(), t == 0 ? 0 : (t - 1) * c.hop + c.n_fft / 2 + c.hop);
        unknown.push_samples(std::span<const float>(y).subspan(given, ahead - given));
        unknown.push(s.frame(t), std::span<const float>(mag).subspan(t * s.n_bins, s.n_bins));
      }
      const std::size_t given = std::min(y.size(), (s.n_frames - 1) * c.hop + c.n_fft / 2 + c.hop);
      unknown.push_samples(std::span<const float>(y).subspan(given));
      const HpssEnergy u = unknown.finish(y.size());
      EXPECT_EQ(u.harmonic, whole.harmonic) << target << " n=" << n << ", length at the end";
      EXPECT_EQ(u.percussive, whole.percussive) << target << " n=" << n << ", length at the end";
    });
    HpssEnergyAccumulator by_length(c.n_fft, c.hop, y.size());  // frame count from the length
    EXPECT_EQ(by_length.frame_count(), s.n_frames);
  }
}

TEST(Hpss, ThePercussivePartNeedsTheSamplesAheadOfTheirFrames) {
  // p = y - h: frames whose harmonic part comes out before the samples of y it pairs with are a
  // caller's mistake, reported, not a silently wrong energy.
  const std::vector<float> y = saw_with_bursts(22050);
  const Spectrogram s = stft(y, 2048, 512, true);
  const std::vector<float> mag = magnitude(s);
  HpssEnergyAccumulator acc(2048, 512, y.size(), s.n_frames);
  acc.push_samples(std::span<const float>(y).first(1000));
  EXPECT_THROW(
      {
        for (std::size_t t = 0; t < s.n_frames; ++t) {
          acc.push(s.frame(t), std::span<const float>(mag).subspan(t * s.n_bins, s.n_bins));
        }
        acc.finish();
      },
      std::logic_error);
}

TEST(Istft, InvertsStft) {
  for (std::size_t n : {22050u, 3000u, 1500u}) {
    const std::vector<float> y = saw_with_bursts(n);
    const std::vector<float> back = istft(stft(y, 2048, 512, true), 512, y.size(), true);
    ASSERT_EQ(back.size(), y.size());
    float worst = 0;
    for (std::size_t i = 0; i < y.size(); ++i) worst = std::max(worst, std::abs(back[i] - y[i]));
    EXPECT_LT(worst, 1e-6f) << "n=" << n;
    // Every overlap-add kernel gives the same samples.
    const Spectrogram s = stft(y, 2048, 512, true);
    test::for_each_simd_target([&](const std::string& target) {
      InverseStft inv(2048, 512, s.n_frames, y.size(), true);
      std::vector<float> again;
      for (std::size_t t = 0; t < inv.frame_count(); ++t) {
        const std::span<const float> part = inv.push(s.frame(t));
        again.insert(again.end(), part.begin(), part.end());
      }
      const std::span<const float> rest = inv.finish();
      again.insert(again.end(), rest.begin(), rest.end());
      EXPECT_EQ(again, back) << target << " n=" << n;
    });
  }
}

TEST(Istft, MatchesLibrosa) {
  // y = saw_with_bursts(44100); S = librosa.stft(y)
  // a = librosa.istft(S * np.float32(0.5), length=len(y)): sum(a**2) = 125.06648279918741,
  //     a[:3] = [-0.32499998807907104, -0.010918614454567432, -0.05036894604563713],
  //     a[-3:] = [-0.07931069284677505, -0.10535977780818939, 0.04833822324872017]
  // librosa.istft(S, length=30000): sum of squares 351.3176174128488
  // librosa.istft(S): 44032 samples, sum of squares 499.88314434934694
  const std::vector<float> y = saw_with_bursts(44100);
  Spectrogram s = stft(y, 2048, 512, true);
  const std::vector<float> full = istft(s, 512, 0, true);
  EXPECT_EQ(full.size(), 44032u);
  EXPECT_NEAR(sum_squares(full) / 499.88314434934694, 1.0, 1e-6);
  EXPECT_NEAR(sum_squares(istft(s, 512, 30000, true)) / 351.3176174128488, 1.0, 1e-6);
  for (auto& c : s.data) c *= 0.5f;
  const std::vector<float> half = istft(s, 512, y.size(), true);
  ASSERT_EQ(half.size(), y.size());
  EXPECT_NEAR(sum_squares(half) / 125.06648279918741, 1.0, 1e-6);
  EXPECT_NEAR(half[0], -0.32499998807907104, 1e-7);
  EXPECT_NEAR(half[1], -0.010918614454567432, 1e-7);
  EXPECT_NEAR(half[2], -0.05036894604563713, 1e-7);
  EXPECT_NEAR(half[44097], -0.07931069284677505, 1e-7);
  EXPECT_NEAR(half[44098], -0.10535977780818939, 1e-7);
  EXPECT_NEAR(half[44099], 0.04833822324872017, 1e-7);
}

TEST(Istft, StreamingGivesEverySampleOnce) {
  const std::vector<float> y = saw_with_bursts(10000);
  const Spectrogram s = stft(y, 2048, 512, true);
  InverseStft inv(2048, 512, s.n_frames, 9000, true);
  std::size_t total = 0;
  for (std::size_t t = 0; t < inv.frame_count(); ++t) total += inv.push(s.frame(t)).size();
  total += inv.finish().size();
  EXPECT_EQ(total, 9000u);
  EXPECT_THROW(InverseStft(2048, 0, 10, 0, true), std::invalid_argument);
}

}  // namespace
}  // namespace trackprint::dsp
