// Temporal family and its dsp pieces (onset strength, tempo, beat tracking, peak picking, RMS,
// decibels): known answers from the spec (§5) and reference values from librosa 0.11.0.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "dsp/beat.hpp"
#include "dsp/mel.hpp"
#include "dsp/numpy_sum.hpp"
#include "dsp/onset.hpp"
#include "dsp/peak_pick.hpp"
#include "dsp/rms.hpp"
#include "dsp/stft.hpp"
#include "dsp/tempo.hpp"
#include "features/families.hpp"
#include "signals.hpp"

namespace trackprint::features {
namespace {

using test::analysed;

Fingerprint temporal(const test::Analysed& p) {
  Fingerprint fp;
  measure_temporal(p.input(), fp);
  return fp;
}

// The reference signal of the librosa vectors below: a 440 Hz tone struck every 0.5 s (decaying
// over 20 ms) over a quiet 3 kHz tone, 6 s at 22050 Hz. Python (numpy 2.x):
//   sr = 22050; n = np.arange(int(6 * sr)); P = int(0.5 * sr)
//   y = (0.5 * np.sin(2 * np.pi * 440 * n / sr) * np.exp(-(n % P) / (0.02 * sr))
//        + 0.05 * np.sin(2 * np.pi * 3000 * n / sr)).astype(np.float32)
using test::reference_signal;

// ---------------------------------------------------------------- known answers (spec §5)

TEST(Temporal, ClickTrackAt100BpmGives100BpmAndSteadyRhythm) {
  const Fingerprint fp = temporal(analysed(test::click_track(100, 30)));
  EXPECT_NEAR(fp[Dim::tempo_bpm], 100.0, 1.0);
  EXPECT_GT(fp[Dim::rhythm_stability], 0.95);
  // 100 clicks a minute: 1.67 onsets per second, / 10.
  EXPECT_NEAR(fp[Dim::transient_density], 100.0 / 60.0 / 10.0, 0.01);
}

TEST(Temporal, ClickTrackAt140BpmIsNotAnOctaveOff) {
  // Tempo comes in lags of 512 samples: near 140 BPM the candidates are 136.0 and 143.55.
  const Fingerprint fp = temporal(analysed(test::click_track(140, 30)));
  EXPECT_DOUBLE_EQ(fp[Dim::tempo_bpm], 60.0 * 22050.0 / (512.0 * 18.0));
}

TEST(Temporal, HalfSilenceGivesHalfSilenceRatio) {
  std::vector<float> y = test::white_noise(22050 * 10, 0.5);
  std::fill(y.begin() + 22050 * 5, y.end(), 0.0f);
  const Fingerprint fp = temporal(analysed(std::move(y)));
  EXPECT_NEAR(fp[Dim::silence_ratio], 0.5, 0.01);
}

TEST(Temporal, SteadyNoiseHasNoSilence) {
  const Fingerprint fp = temporal(analysed(test::white_noise(22050 * 5, 0.5)));
  EXPECT_EQ(fp[Dim::silence_ratio], 0.0);
}

TEST(Temporal, DigitalSilence) {
  // librosa: the all-zero envelope still gets the prior's tempo (117.45 BPM, the lag nearest
  // 120 in log2), but no beats and no onsets. The spec's silent rule gives silence_ratio 1.
  const Fingerprint fp = temporal(analysed(std::vector<float>(22050 * 3, 0.0f)));
  EXPECT_DOUBLE_EQ(fp[Dim::tempo_bpm], 60.0 * 22050.0 / (512.0 * 22.0));
  EXPECT_EQ(fp[Dim::rhythm_stability], 0.0);
  EXPECT_EQ(fp[Dim::transient_density], 0.0);
  EXPECT_EQ(fp[Dim::silence_ratio], 1.0);
}

TEST(Temporal, ValuesStayInRange) {
  for (const auto& y : {test::white_noise(22050 * 4), test::sine(440, 2), reference_signal()}) {
    const Fingerprint fp = temporal(analysed(y));
    EXPECT_GE(fp[Dim::tempo_bpm], 40.0);
    EXPECT_LE(fp[Dim::tempo_bpm], 200.0);
    for (Dim d : {Dim::rhythm_stability, Dim::transient_density, Dim::silence_ratio}) {
      EXPECT_GE(fp[d], 0.0);
      EXPECT_LE(fp[d], 1.0);
    }
  }
}

// ---------------------------------------------------------------- librosa 0.11.0 references

// librosa.onset.onset_strength(y=y, sr=22050)[:40] of reference_signal().
TEST(OnsetStrength, MatchesLibrosa) {
  const test::Analysed p = analysed(reference_signal());
  ASSERT_EQ(p.stft.n_frames, 259u);
  const std::vector<float> env = dsp::onset_strength(p.magnitude, p.stft.n_frames);
  ASSERT_EQ(env.size(), 259u);
  const float expected[40] = {0.0f,
                              0.0f,
                              0.0f,
                              0.03738325834274292f,
                              0.0018718615174293518f,
                              7.450580596923828e-09f,
                              1.1641532182693481e-08f,
                              0.0f,
                              1.1874362826347351e-08f,
                              1.3737007975578308e-08f,
                              7.450580596923828e-09f,
                              0.0f,
                              0.0f,
                              0.0f,
                              4.423782229423523e-09f,
                              2.1187588572502136e-08f,
                              0.0f,
                              0.0f,
                              0.0f,
                              0.0f,
                              0.0f,
                              4.423782229423523e-09f,
                              15.817323684692383f,
                              14.06104564666748f,
                              0.46102792024612427f,
                              6.598979234695435e-05f,
                              2.031773328781128e-05f,
                              7.450580596923828e-09f,
                              4.423782229423523e-09f,
                              1.4901161193847656e-08f,
                              0.0f,
                              0.0f,
                              1.3737007975578308e-08f,
                              0.0f,
                              0.0f,
                              7.450580596923828e-09f,
                              2.561137080192566e-08f,
                              0.0f,
                              0.0f,
                              0.0f};
  for (std::size_t t = 0; t < 40; ++t) {
    // float32 rounding of a difference of dB values near 16: a few 1e-6 at most.
    EXPECT_NEAR(env[t], expected[t], 1e-5f + 1e-6f * std::abs(expected[t])) << "frame " << t;
  }
}

// librosa.feature.tempo / beat.beat_track / onset.onset_detect on the envelope above:
//   tempo 117.45383522727273, beats [22 44 66 87 109 130 152 173 195 216 238],
//   onsets [22 44 65 87 108 130 151 173 194 216 238]
TEST(TempoBeatsOnsets, MatchLibrosa) {
  const test::Analysed p = analysed(reference_signal());
  const std::vector<float> env = dsp::onset_strength(p.magnitude, p.stft.n_frames);
  const double bpm = dsp::tempo(env);
  EXPECT_DOUBLE_EQ(bpm, 117.45383522727273);
  const std::vector<std::size_t> beats = dsp::beat_track(env, bpm);
  EXPECT_EQ(beats, (std::vector<std::size_t>{22, 44, 66, 87, 109, 130, 152, 173, 195, 216, 238}));
  const std::vector<std::size_t> onsets = dsp::onset_detect(env);
  EXPECT_EQ(onsets, (std::vector<std::size_t>{22, 44, 65, 87, 108, 130, 151, 173, 194, 216, 238}));

  const Fingerprint fp = temporal(p);
  EXPECT_DOUBLE_EQ(fp[Dim::tempo_bpm], 117.45383522727273);
  EXPECT_NEAR(fp[Dim::transient_density], 0.18333333333333332, 1e-12);
  EXPECT_EQ(fp[Dim::silence_ratio], 0.0);
}

TEST(Beat, AllZeroEnvelopeHasNoBeats) {
  EXPECT_TRUE(dsp::beat_track(std::vector<float>(500, 0.0f), 120.0).empty());
  EXPECT_TRUE(dsp::onset_detect(std::vector<float>(500, 0.0f)).empty());
}

// x = np.array([0, 1, 0, 0.5, 0.55, 0.2, 0, 0, 0.9, 0.1, 0.95, 0, 0, 0, 0.3, 0, 1, 1, 0, 0.2],
//              dtype=np.float32)
// librosa.util.peak_pick(x, pre_max=1, post_max=1, pre_avg=4, post_avg=5, delta=0.07, wait=1)
//   -> [1 3 8 10 16];  (pre_max=2, post_max=3, pre_avg=2, post_avg=2, delta=0.1, wait=3) -> [1 10
//   16]
TEST(PeakPick, MatchesLibrosa) {
  const std::vector<float> xs = {0,     1, 0, 0.5f, 0.55f, 0.2f, 0, 0, 0.9f, 0.1f,
                                 0.95f, 0, 0, 0,    0.3f,  0,    1, 1, 0,    0.2f};
  dsp::PeakPickParams a;  // the defaults are onset_detect's at 22050/512
  EXPECT_EQ(dsp::peak_pick(xs, a), (std::vector<std::size_t>{1, 3, 8, 10, 16}));
  dsp::PeakPickParams b;
  b.pre_max = 2;
  b.post_max = 3;
  b.pre_avg = 2;
  b.post_avg = 2;
  b.delta = 0.1f;
  b.wait = 3;
  EXPECT_EQ(dsp::peak_pick(xs, b), (std::vector<std::size_t>{1, 10, 16}));
}

// librosa.feature.rms(y=y)[0][:12] and [::20] of reference_signal(): bit-exact (float32 squares,
// numpy's pairwise mean); amplitude_to_db(r, ref=np.max(r))[::20] to float32 log10 rounding.
TEST(Rms, MatchesLibrosa) {
  const std::vector<float> y = reference_signal();
  const std::vector<float> r = dsp::rms(y, 2048, 512);
  ASSERT_EQ(r.size(), 259u);
  const float head[12] = {0.11811193078756332f,  0.1199130043387413f,   0.12125103175640106f,
                          0.05077820643782616f,  0.037128228694200516f, 0.03552039712667465f,
                          0.035377491265535355f, 0.035364050418138504f, 0.03534805402159691f,
                          0.03535488620400429f,  0.03536348044872284f,  0.03534889221191406f};
  for (std::size_t t = 0; t < 12; ++t) EXPECT_NEAR(r[t], head[t], 2e-8f) << t;
  const float every20[13] = {0.11811193078756332f,  0.10066007822751999f,  0.035350311547517776f,
                             0.03536373749375343f,  0.03534712269902229f,  0.03535989671945572f,
                             0.035356368869543076f, 0.035349149256944656f, 0.035364095121622086f,
                             0.035348325967788696f, 0.0353710874915123f,   0.035748958587646484f,
                             0.04719997197389603f};
  const float db20[13] = {-0.22811126708984375f, -1.6168441772460938f, -10.706123352050781f,
                          -10.702825546264648f,  -10.706907272338867f, -10.703767776489258f,
                          -10.704635620117188f,  -10.706409454345703f, -10.702737808227539f,
                          -10.706613540649414f,  -10.701019287109375f, -10.608720779418945f,
                          -8.195152282714844f};
  const std::vector<float> db = dsp::amplitude_to_db(r, *std::max_element(r.begin(), r.end()));
  for (std::size_t i = 0; i < 13; ++i) {
    EXPECT_NEAR(r[20 * i], every20[i], 2e-8f) << i;
    EXPECT_NEAR(db[20 * i], db20[i], 2e-5f) << i;
  }
}

TEST(Rms, FrameCountAndHopAreGeneral) {
  // librosa.feature.rms(y=np.ones(30000, np.float32), frame_length=2048, hop_length=5512):
  // 1 + 30000 // 5512 = 6 frames; the first is half padding: sqrt(1024 / 2048).
  const std::vector<float> r = dsp::rms(std::vector<float>(30000, 1.0f), 2048, 5512);
  ASSERT_EQ(r.size(), 6u);
  EXPECT_FLOAT_EQ(r[0], std::sqrt(0.5f));
  EXPECT_FLOAT_EQ(r[1], 1.0f);
}

TEST(Decibels, TopDbClipsAt80BelowTheMaximum) {
  // librosa.amplitude_to_db(np.array([1, 1e-3, 1e-6], np.float32)) -> [0, -60, -80]
  const std::vector<float> db = dsp::amplitude_to_db(std::vector<float>{1.0f, 1e-3f, 1e-6f});
  EXPECT_FLOAT_EQ(db[0], 0.0f);
  EXPECT_NEAR(db[1], -60.0f, 1e-4f);
  EXPECT_FLOAT_EQ(db[2], -80.0f);
  const std::vector<float> raw =
      dsp::amplitude_to_db(std::vector<float>{1.0f, 1e-6f}, 1.0f, 1e-5, std::nullopt);
  EXPECT_NEAR(raw[1], -100.0f, 1e-4f);  // amin=1e-5: nothing below -100 dB
}

// np.sum(np.arange(1000, dtype=np.float32) * np.float32(0.1) + np.float32(1e-3)) -> 49951.0,
// while a left-to-right float32 loop gives 49950.98828125: numpy's order matters.
TEST(NumpySum, PairwiseLikeNumpy) {
  std::vector<float> v(1000);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i) * 0.1f + 1e-3f;
  EXPECT_EQ(dsp::pairwise_sum(v.data(), v.size()), 49951.0f);
  float seq = 0.0f;
  for (float x : v) seq += x;
  EXPECT_EQ(seq, 49950.98828125f);
}

TEST(NumpySum, ColumnsEqualRowSums) {
  for (std::size_t n : {1u, 7u, 8u, 100u, 128u, 129u, 1000u, 5000u}) {
    std::vector<double> a(3 * n);
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = std::sin(static_cast<double>(i) * 0.37);
    std::size_t col = 0;
    std::vector<double> out(3);
    dsp::pairwise_sum_columns<double>(
        n, 3,
        [&](std::span<double> c) {
          for (std::size_t w = 0; w < 3; ++w) c[w] = a[w * n + col];
          ++col;
        },
        std::span<double>(out));
    for (std::size_t w = 0; w < 3; ++w) EXPECT_EQ(out[w], dsp::pairwise_sum(a.data() + w * n, n));
  }
}

// librosa.filters.mel(sr=22050, n_fft=2048, n_mels=128, fmax=11025): nonzero runs of a few bands.
TEST(Mel, FilterbankMatchesLibrosa) {
  const dsp::MelFilterbank mel(22050, 2048, 128, 0, 11025);
  const std::vector<float> d = mel.dense();
  const auto row = [&](std::size_t m) { return d.data() + m * 1025; };
  const float band0[] = {0.016182852908968925f, 0.03236570581793785f, 0.028990088030695915f,
                         0.01280723512172699f};
  for (std::size_t k = 0; k < 4; ++k) EXPECT_EQ(row(0)[1 + k], band0[k]);
  EXPECT_EQ(row(0)[0], 0.0f);
  EXPECT_EQ(row(0)[5], 0.0f);
  const float band40[] = {0.0004014020087197423f, 0.014093741774559021f, 0.02778608165681362f,
                          0.029527638107538223f,  0.016194717958569527f, 0.0028617968782782555f};
  for (std::size_t k = 0; k < 6; ++k) EXPECT_EQ(row(40)[96 + k], band40[k]);
  EXPECT_EQ(row(40)[95], 0.0f);
  EXPECT_EQ(row(40)[102], 0.0f);
  EXPECT_EQ(row(127)[971], 7.184815331129357e-06f);
  EXPECT_EQ(row(127)[998], 0.003386767813935876f);
  EXPECT_EQ(row(127)[1023], 0.0001302603050135076f);
  EXPECT_EQ(row(127)[1024], 0.0f);
}

}  // namespace
}  // namespace trackprint::features
