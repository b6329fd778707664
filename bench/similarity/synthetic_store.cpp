#include "synthetic_store.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <random>

#include "library/store.hpp"
#include "trackprint/library.hpp"

namespace trackprint::bench {
namespace {

// Where values of each dimension usually lie in music (the unbounded ones by experience).
std::array<std::pair<double, double>, kDimensionCount> usual_ranges() {
  std::array<std::pair<double, double>, kDimensionCount> r{};
  for (std::size_t i = 0; i < kDimensionCount; ++i) r[i] = {kDimensions[i].min, kDimensions[i].max};
  r[static_cast<std::size_t>(Dim::lufs)] = {-35, -5};
  r[static_cast<std::size_t>(Dim::crest_db)] = {5, 25};
  r[static_cast<std::size_t>(Dim::bass_mid_ratio)] = {-20, 20};
  r[static_cast<std::size_t>(Dim::tempo_bpm)] = {60, 180};
  r[static_cast<std::size_t>(Dim::loudness_variation_std)] = {0, 8};
  return r;
}

}  // namespace

std::string synthetic_store(const std::string& path, std::size_t n, unsigned seed) {
  {
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
      // Opened as the benchmark opens it: a store left by a build with another layout is
      // refused there, so it is written again instead of reused.
      try {
        library::Store existing(path, false);
        if (existing.status().analysed == static_cast<std::int64_t>(n)) return path;
      } catch (const Failure&) {
      }
    }
    std::filesystem::remove(path, ec);
    std::filesystem::remove(path + "-wal", ec);
    std::filesystem::remove(path + "-shm", ec);
  }
  std::fprintf(stderr, "writing a synthetic store of %zu tracks to %s\n", n, path.c_str());
  library::Store store(path, false);
  std::mt19937_64 rng(seed);
  const auto ranges = usual_ranges();
  constexpr std::size_t kAlbums = 500;
  std::vector<std::array<double, kDimensionCount>> centres(kAlbums);
  for (auto& c : centres)
    for (std::size_t i = 0; i < kDimensionCount; ++i)
      c[i] = std::uniform_real_distribution<double>(ranges[i].first, ranges[i].second)(rng);
  std::normal_distribution<double> noise(0, 0.06);
  std::uniform_int_distribution<std::size_t> album(0, kAlbums - 1);
  library::AnalysisResult r;
  r.size = 1000;
  r.mtime_ns = 1;
  r.analysed_at = "2026-01-01T00:00:00Z";
  store.begin();
  for (std::size_t t = 0; t < n; ++t) {
    const std::size_t a = album(rng);
    Fingerprint fp;
    for (std::size_t i = 0; i < kDimensionCount; ++i) {
      const double width = ranges[i].second - ranges[i].first;
      fp.values[i] =
          std::clamp(centres[a][i] + width * noise(rng), ranges[i].first, ranges[i].second);
    }
    fp.duration_s = 120 + static_cast<double>(rng() % 240);
    fp.sample_rate = 44100;
    fp.channels = 2;
    fp.codec = "flac";
    r.path = "/synthetic/album" + std::to_string(a) + "/track" + std::to_string(t) + ".flac";
    r.fingerprint = fp;
    r.tags.artist = "Artist " + std::to_string(a % 200);
    r.tags.album = "Album " + std::to_string(a);
    r.tags.title = "Track " + std::to_string(t);
    store.put_result(r);
    if (t % 20000 == 19999) {
      store.commit();
      store.begin();
    }
  }
  store.commit();
  return path;
}

}  // namespace trackprint::bench
