#include "similarity/duplicates.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numeric>

#include "trackprint/dimensions.hpp"

namespace trackprint::similarity {
namespace {

// In spec order: about twice the largest difference measured between encodings of one track
// (three corpus tracks in FLAC, WAV, MP3 96-192k, AAC 64-192k, Vorbis q0 and q5, Opus 48-128k:
// at most 0.59 of these tolerances), while the two closest distinct recordings of the corpus
// are 4.1 tolerances apart (docs/similarity.md).
constexpr std::array<double, kDimensionCount> kTolerance{
    0.02, 0.02, 0.01,  0.015, 0.015, 0.005, 0.005,  // bands (fractions)
    1.0,  2.5,  0.5,                                // lufs, crest_db, bass_mid_ratio (dB)
    2.0,  0.05, 0.1,   0.01,                        // tempo (BPM), rhythm, transients, silence
    0.03, 0.05, 0.005,                              // centroid, rolloff, flatness
    0.05, 0.02, 0.1,                                // harmonic ratio, pitch stability, chroma
    0.04, 1.0,  0.04,                               // variation: range, loudness std (dB), peaks
    0.08, 0.1,                                      // stereo width, phase correlation
};
constexpr double kMinDurationTolerance = 2.0;  // seconds
// A band 30 dB below the other is inaudible next to it: beyond that the ratio measures the
// codec's noise floor (a pure tone's bass is -100 dB in FLAC, -91 dB in MP3), not the music.
constexpr double kRatioLimit = 30;
constexpr double kDurationTolerance = 0.01;  // of the longer

double duration_tolerance(double a, double b) {
  return std::max(kMinDurationTolerance, kDurationTolerance * std::max(a, b));
}

// Union-find over rows, smaller row as the root so that groups come out by first row.
struct Groups {
  std::vector<std::uint32_t> parent;
  explicit Groups(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0u); }
  std::uint32_t root(std::uint32_t r) {
    while (parent[r] != r) r = parent[r] = parent[parent[r]];
    return r;
  }
  void join(std::uint32_t a, std::uint32_t b) {
    a = root(a);
    b = root(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

}  // namespace

double recording_distance(const double* a, double duration_a, const double* b, double duration_b) {
  double worst = std::abs(duration_a - duration_b) / duration_tolerance(duration_a, duration_b);
  for (std::size_t i = 0; i < kDimensionCount; ++i) {
    double d = std::abs(a[i] - b[i]);
    if (i == static_cast<std::size_t>(Dim::tempo_bpm))
      d = std::min({d, std::abs(a[i] - 2 * b[i]), std::abs(2 * a[i] - b[i])});
    if (i == static_cast<std::size_t>(Dim::bass_mid_ratio))
      d = std::abs(std::clamp(a[i], -kRatioLimit, kRatioLimit) -
                   std::clamp(b[i], -kRatioLimit, kRatioLimit));
    worst = std::max(worst, d / kTolerance[i]);
  }
  return worst;
}

bool same_recording(const double* a, double duration_a, const double* b, double duration_b) {
  return recording_distance(a, duration_a, b, duration_b) <= 1;
}

std::vector<DuplicateRows> find_duplicates(std::span<const double> raw_rows,
                                           std::span<const double> durations_s) {
  const std::size_t n = durations_s.size();
  // Only rows of close durations can match: sorted by duration, each row is compared with the
  // rows after it until the durations part too far.
  std::vector<std::uint32_t> by_duration(n);
  std::iota(by_duration.begin(), by_duration.end(), 0u);
  std::stable_sort(by_duration.begin(), by_duration.end(), [&](std::uint32_t x, std::uint32_t y) {
    return durations_s[x] < durations_s[y];
  });
  Groups groups(n);
  const auto row = [&](std::uint32_t r) { return &raw_rows[r * kDimensionCount]; };
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t a = by_duration[i];
    for (std::size_t j = i + 1; j < n; ++j) {
      const std::uint32_t b = by_duration[j];
      if (durations_s[b] - durations_s[a] > duration_tolerance(durations_s[a], durations_s[b]))
        break;
      if (same_recording(row(a), durations_s[a], row(b), durations_s[b])) groups.join(a, b);
    }
  }
  std::map<std::uint32_t, DuplicateRows> found;
  for (std::uint32_t r = 0; r < n; ++r) found[groups.root(r)].rows.push_back(r);
  std::vector<DuplicateRows> out;
  for (auto& [root, g] : found) {
    if (g.rows.size() < 2) continue;
    for (std::size_t i = 0; i < g.rows.size(); ++i)
      for (std::size_t j = i + 1; j < g.rows.size(); ++j)
        g.distance =
            std::max(g.distance, recording_distance(row(g.rows[i]), durations_s[g.rows[i]],
                                                    row(g.rows[j]), durations_s[g.rows[j]]));
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace trackprint::similarity
