// The trace of an analysis: the fingerprint is bit-identical with and without it, it is the same
// on both routes, and its series say what known signals are (tempo and beats of a click track,
// the f0, chroma and spectrogram peak of a tone, its loudness).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "analysis/routes.hpp"
#include "corpus_tracks.hpp"
#include "features/column_pool.hpp"
#include "signals.hpp"
#include "trackprint/trace.hpp"

namespace trackprint {
namespace {

namespace fs = std::filesystem;

constexpr double kSr = 22050.0;

Fingerprint fingerprint_or_fail(const Result<Fingerprint>& r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message());
  return r.ok() ? r.value() : Fingerprint{};
}

Fingerprint analyse_mono(const std::vector<float>& y, Trace* trace, int threads = 1) {
  const std::span<const float> channel(y);
  const std::span<const std::span<const float>> channels(&channel, 1);
  const AnalysisOptions options{threads};
  return fingerprint_or_fail(trace ? analyze_samples(channels, 22050, options, *trace)
                                   : analyze_samples(channels, 22050, options));
}

void expect_same_bits(const Fingerprint& a, const Fingerprint& b, const std::string& what) {
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    EXPECT_EQ(a.values[d], b.values[d]) << what << ": " << kDimensions[d].name;
  }
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

// Clicks at 120 BPM over a saw, with a tone and noise on the right: every family has work.
std::vector<std::vector<float>> busy_stereo(double seconds, double sr) {
  std::vector<float> left = test::click_track(120, seconds, sr);
  const std::vector<float> saw = test::saw_with_bursts(left.size());
  const std::vector<float> tone = test::sine(330, seconds, sr, 0.2);
  std::vector<float> right = test::white_noise(left.size(), 0.1, 9);
  for (std::size_t i = 0; i < left.size(); ++i) {
    left[i] = 0.5f * left[i] + 0.3f * saw[i];
    right[i] += tone[i] + 0.3f * saw[i];
  }
  return {left, right};
}

TEST(Trace, LeavesTheFingerprintBitIdentical) {
  const std::vector<std::vector<float>> stereo = busy_stereo(8, 44100);
  const std::vector<std::span<const float>> channels(stereo.begin(), stereo.end());
  for (int threads : {1, 2}) {
    const AnalysisOptions options{threads};
    Trace trace;
    const Fingerprint plain = fingerprint_or_fail(analyze_samples(channels, 44100, options));
    const Fingerprint traced =
        fingerprint_or_fail(analyze_samples(channels, 44100, options, trace));
    expect_same_bits(plain, traced, "threads " + std::to_string(threads));
    EXPECT_FALSE(trace.onset_envelope.empty());
  }
}

// Each series has the length of its time base: the STFT's frames, hops, 100 ms, 0.25 s blocks.
void expect_lengths(const Trace& t, std::size_t n) {
  const std::size_t frames = 1 + n / t.hop;
  EXPECT_EQ(t.rms.size(), frames);
  EXPECT_EQ(t.onset_envelope.size(), frames);
  EXPECT_EQ(t.centroid_hz.size(), frames);
  EXPECT_EQ(t.rolloff_hz.size(), frames);
  EXPECT_EQ(t.flatness.size(), frames);
  EXPECT_EQ(t.f0_hz.size(), frames);
  EXPECT_EQ(t.voiced.size(), frames);
  EXPECT_EQ(t.chroma.size(), 12 * frames);
  EXPECT_EQ(t.wave_min.size(), (n + t.hop - 1) / t.hop);
  EXPECT_EQ(t.wave_max.size(), t.wave_min.size());
  EXPECT_EQ(t.harmonic_rms.size(), n / t.hop);  // whole hops of the inverse STFT's output
  EXPECT_EQ(t.percussive_rms.size(), n / t.hop);
  EXPECT_EQ(t.block_peak.size(), t.block_rms.size());
  EXPECT_NEAR(static_cast<double>(t.block_peak.size()), static_cast<double>(n) / 5512.0, 1.0);
  EXPECT_NEAR(t.duration_s, static_cast<double>(n) / kSr, 1e-9);
  EXPECT_EQ(t.mel_bands_hz.size(), 128u);
  EXPECT_EQ(t.spectrogram_db.size(), t.spectrogram_columns * 128);
}

TEST(Trace, ClickTrackHasItsTempoBeatsAndOnsets) {
  const double seconds = 12;
  const std::vector<float> y = test::click_track(120, seconds, kSr);  // clicks at 0.1 + k/2 s
  Trace trace;
  const Fingerprint fp = analyse_mono(y, &trace);
  expect_lengths(trace, y.size());
  // 120 BPM lies between two lags of the tempogram (21 and 22 frames: 123.0 and 117.5 BPM).
  EXPECT_NEAR(trace.tempo_bpm, 120.0, 3.5);
  EXPECT_EQ(std::clamp(trace.tempo_bpm, 40.0, 200.0), fp[Dim::tempo_bpm]);
  ASSERT_GE(trace.beat_times.size(), 15u);
  std::vector<double> intervals;
  for (std::size_t i = 1; i < trace.beat_times.size(); ++i) {
    intervals.push_back(trace.beat_times[i] - trace.beat_times[i - 1]);
  }
  EXPECT_NEAR(median(intervals), 0.5, 1.5 * 512 / kSr);
  // One onset per click, each within two frames of it.
  ASSERT_EQ(trace.onset_times.size(), 24u);
  for (std::size_t k = 0; k < trace.onset_times.size(); ++k) {
    EXPECT_NEAR(trace.onset_times[k], 0.1 + 0.5 * static_cast<double>(k), 2 * 512 / kSr) << k;
  }
  // transient_density counts exactly these onsets.
  EXPECT_DOUBLE_EQ(fp[Dim::transient_density],
                   std::min(1.0, static_cast<double>(trace.onset_times.size()) /
                                     (static_cast<double>(y.size()) / kSr) / 10.0));
  // The clicks are percussive: at each click the percussive part is louder than the harmonic.
  const auto hop_of = [](double t) { return static_cast<std::size_t>(t * kSr / 512); };
  std::size_t percussive_wins = 0;
  for (double t = 0.1; t < seconds - 0.5; t += 0.5) {
    const std::size_t h = hop_of(t);
    percussive_wins += trace.percussive_rms[h] > trace.harmonic_rms[h] ? 1 : 0;
  }
  EXPECT_GE(percussive_wins, 20u);
}

TEST(Trace, ToneHasItsPitchChromaSpectrumAndLevel) {
  const std::vector<float> y = test::sine(440, 4, kSr, 0.5);
  Trace trace;
  trace.max_spectrogram_columns = 50;
  analyse_mono(y, &trace);
  expect_lengths(trace, y.size());
  const std::size_t frames = trace.rms.size();
  // YIN: 440 Hz, voiced away from the edges.
  std::vector<double> f0;
  std::size_t voiced = 0;
  for (std::size_t t = 8; t + 8 < frames; ++t) {
    f0.push_back(trace.f0_hz[t]);
    voiced += trace.voiced[t];
  }
  EXPECT_NEAR(median(f0), 440.0, 1.0);
  EXPECT_EQ(voiced, f0.size());
  // Chroma: A (pitch class 9) is the loudest class of every inner frame.
  for (std::size_t t = 20; t + 20 < frames; ++t) {
    const float* c = trace.chroma.data() + 12 * t;
    EXPECT_EQ(std::max_element(c, c + 12) - c, 9) << "frame " << t;
  }
  // Spectrogram: 173 frames pooled into at most 50 columns; the loudest band is the one at 440 Hz.
  EXPECT_LE(trace.spectrogram_columns, 50u);
  EXPECT_GE(trace.spectrogram_columns, 26u);
  EXPECT_EQ(trace.frames_per_column, 4u);
  const std::size_t mid = trace.spectrogram_columns / 2;
  const float* col = trace.spectrogram_db.data() + mid * 128;
  const auto loudest = static_cast<std::size_t>(std::max_element(col, col + 128) - col);
  EXPECT_NEAR(trace.mel_bands_hz[loudest], 440.0, 40.0);
  EXPECT_EQ(*std::max_element(trace.spectrogram_db.begin(), trace.spectrogram_db.end()), 0.0f);
  EXPECT_GE(*std::min_element(trace.spectrogram_db.begin(), trace.spectrogram_db.end()), -80.0f);
  // Waveform and RMS: peak 0.5, RMS 0.5 / sqrt(2).
  EXPECT_NEAR(*std::max_element(trace.wave_max.begin(), trace.wave_max.end()), 0.5, 1e-3);
  EXPECT_NEAR(*std::min_element(trace.wave_min.begin(), trace.wave_min.end()), -0.5, 1e-3);
  EXPECT_NEAR(trace.rms[frames / 2], 0.5 / std::sqrt(2.0), 1e-3);
  // A steady tone: harmonic throughout.
  EXPECT_GT(trace.harmonic_rms[frames / 2], 10 * trace.percussive_rms[frames / 2]);
  // Loudness every 100 ms; once the 400 ms window is full, the momentary loudness of a steady
  // tone is its integrated loudness.
  EXPECT_DOUBLE_EQ(trace.loudness_rate, 10.0);
  EXPECT_EQ(trace.momentary_lufs.size(), 40u);
  EXPECT_EQ(trace.short_term_lufs.size(), 40u);
  Trace again;
  const Fingerprint fp = analyse_mono(y, &again);
  for (std::size_t i = 4; i < trace.momentary_lufs.size(); ++i) {
    EXPECT_NEAR(trace.momentary_lufs[i], fp[Dim::lufs], 0.05) << i;
  }
  EXPECT_NEAR(trace.short_term_lufs.back(), fp[Dim::lufs], 0.05);
}

TEST(Trace, IsTheSameOnBothRoutes) {
  const fs::path path = fs::temp_directory_path() / "trackprint_trace_test.wav";
  const std::vector<std::vector<float>> stereo = busy_stereo(10, 44100);
  test::write_wav(path, stereo[0], stereo[1], 44100);
  const Fingerprint plain = analysis::fingerprint_file(path.string(), 1, analysis::Route::held);
  Trace held, streamed;
  const Fingerprint a = analysis::fingerprint_file(path.string(), 1, analysis::Route::held,
                                                   kDefaultMaxDurationSeconds, &held);
  const Fingerprint b = analysis::fingerprint_file(path.string(), 2, analysis::Route::streamed,
                                                   kDefaultMaxDurationSeconds, &streamed);
  fs::remove(path);
  expect_same_bits(plain, a, "held, traced");
  expect_same_bits(plain, b, "streamed, traced");
  EXPECT_EQ(held.wave_min, streamed.wave_min);
  EXPECT_EQ(held.wave_max, streamed.wave_max);
  EXPECT_EQ(held.momentary_lufs, streamed.momentary_lufs);
  EXPECT_EQ(held.short_term_lufs, streamed.short_term_lufs);
  EXPECT_EQ(held.rms, streamed.rms);
  EXPECT_EQ(held.spectrogram_db, streamed.spectrogram_db);
  EXPECT_EQ(held.centroid_hz, streamed.centroid_hz);
  EXPECT_EQ(held.harmonic_rms, streamed.harmonic_rms);
  EXPECT_EQ(held.percussive_rms, streamed.percussive_rms);
  EXPECT_EQ(held.onset_envelope, streamed.onset_envelope);
  EXPECT_EQ(held.tempo_bpm, streamed.tempo_bpm);
  EXPECT_EQ(held.beat_times, streamed.beat_times);
  EXPECT_EQ(held.onset_times, streamed.onset_times);
  EXPECT_EQ(held.chroma, streamed.chroma);
  EXPECT_EQ(held.f0_hz, streamed.f0_hz);
  EXPECT_EQ(held.voiced, streamed.voiced);
  EXPECT_EQ(held.block_rms, streamed.block_rms);
  EXPECT_EQ(held.sparse_rms, streamed.sparse_rms);
  EXPECT_EQ(held.duration_s, streamed.duration_s);
  EXPECT_FALSE(held.spectrogram_db.empty());
}

TEST(Trace, LeavesRealMusicBitIdentical) {
  TRACKPRINT_CORPUS_OR_SKIP(corpus);
  const std::string path = (fs::path(corpus) / "flac" / "push_greek.flac").string();
  Trace trace;
  const Fingerprint plain = fingerprint_or_fail(analyze_file(path, {}));
  const Fingerprint traced = fingerprint_or_fail(analyze_file(path, {}, trace));
  expect_same_bits(plain, traced, path);
  EXPECT_NEAR(trace.duration_s, plain.duration_s, 0.01);
  EXPECT_GT(trace.beat_times.size(), 50u);
}

TEST(Trace, AFailedAnalysisSaysWhyAndLeavesAnEmptyTrace) {
  Trace trace;
  trace.onset_times = {1.0};
  const Result<Fingerprint> r = analyze_file("/no/such/file.flac", {}, trace);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::io);
  EXPECT_TRUE(trace.onset_times.empty());
}

TEST(ColumnPool, AveragesPairsWhenTheBudgetIsReached) {
  features::ColumnPool pool(1, 4);
  for (int v = 1; v <= 10; ++v) {
    const float x = static_cast<float>(v);
    pool.push(std::span<const float>(&x, 1));
  }
  // 1..10 into at most 4 columns: (1..4), (5..8), then 9 and 10 in a partial column.
  ASSERT_EQ(pool.columns(), 3u);
  EXPECT_EQ(pool.frames_per_column(), 4u);
  const std::vector<float> db = pool.finish_db();
  ASSERT_EQ(db.size(), 3u);
  EXPECT_NEAR(db[0], 10 * std::log10(2.5 / 9.5), 1e-4);
  EXPECT_NEAR(db[1], 10 * std::log10(6.5 / 9.5), 1e-4);
  EXPECT_EQ(db[2], 0.0f);
}

TEST(ColumnPool, GivesTheSameColumnsHoweverTheyAreHandedOver) {
  std::vector<float> frames(3 * 37);
  for (std::size_t i = 0; i < frames.size(); ++i) frames[i] = static_cast<float>(i % 7 + 1);
  features::ColumnPool whole(3, 5), one_by_one(3, 5);
  whole.push(frames);
  for (std::size_t at = 0; at < frames.size(); at += 3) {
    one_by_one.push(std::span<const float>(frames).subspan(at, 3));
  }
  EXPECT_EQ(whole.finish_db(), one_by_one.finish_db());
  EXPECT_LE(whole.columns(), 5u);
}

}  // namespace
}  // namespace trackprint
