// The similarity layer's math: the weight presets, the normalisation, the kernel on every SIMD
// target against its scalar reference, and the exact search against a naive double-precision
// reference (ties included).
#include <gtest/gtest.h>
#include <hwy/targets.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <numeric>
#include <random>
#include <vector>

#include "library/store.hpp"
#include "similarity/distance_kernel.hpp"
#include "similarity/duplicates.hpp"
#include "similarity/exact_search.hpp"
#include "similarity/m3u8.hpp"
#include "similarity/metric.hpp"
#include "similarity/normalisation.hpp"
#include "similarity/playlist.hpp"
#include "similarity/quantised_rows.hpp"
#include "similarity/sonic_path.hpp"
#include "similarity/weights.hpp"
#include "temp_dir.hpp"
#include "trackprint/similarity.hpp"

namespace trackprint::similarity {
namespace {

constexpr std::size_t D = kDimensionCount;

TEST(Weights, AuralisIsItsFamilyWeightsRenormalisedAndEqualIsFlat) {
  const Weights a = weight_preset("auralis").value();
  EXPECT_NEAR(std::accumulate(a.begin(), a.end(), 0.0), 1.0, 1e-15);
  EXPECT_DOUBLE_EQ(a[static_cast<std::size_t>(Dim::lufs)], 0.10 / 1.03);
  EXPECT_DOUBLE_EQ(a[static_cast<std::size_t>(Dim::tempo_bpm)], 0.08 / 1.03);
  EXPECT_DOUBLE_EQ(a[static_cast<std::size_t>(Dim::phase_correlation)], 0.01 / 1.03);
  EXPECT_DOUBLE_EQ(a[static_cast<std::size_t>(Dim::bass_pct)], 0.06 / 1.03);
  const Weights e = weight_preset("equal").value();
  for (const double w : e) EXPECT_EQ(w, 1.0 / 25);
  EXPECT_FALSE(weight_preset("nope").has_value());
  EXPECT_EQ(metric_spec("equal-zscore")->normalisation, Normalisation::zscore);
  EXPECT_EQ(metric_spec("auralis")->normalisation, Normalisation::minmax);
  EXPECT_FALSE(metric_spec("nope-zscore").has_value());
}

TEST(Normalisation, QuantilesInterpolateBetweenOrderStatisticsAsNumpyDoes) {
  std::vector<double> v{10, 0, 30, 20, 40};
  EXPECT_EQ(quantile(v, 0.0), 0);
  EXPECT_EQ(quantile(v, 0.5), 20);
  EXPECT_DOUBLE_EQ(quantile(v, 0.05), 2.0);   // h = 0.2: 0 + 0.2 * (10 - 0)
  EXPECT_DOUBLE_EQ(quantile(v, 0.95), 38.0);  // h = 3.8: 30 + 0.8 * 10
  std::vector<double> one{7};
  EXPECT_EQ(quantile(one, 0.95), 7);
}

// n rows whose dimension d holds d * 1000 + (row value), row values 0..n-1 shuffled.
std::vector<double> ramp_rows(std::size_t n) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937(3));
  std::vector<double> rows(n * D);
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t d = 0; d < D; ++d) rows[r * D + d] = static_cast<double>(d * 1000 + order[r]);
  return rows;
}

TEST(Normalisation, MinmaxMapsThe5thTo95thPercentileOntoZeroToOneAndClips) {
  const auto rows = ramp_rows(101);  // 0..100 in each dimension
  const Normaliser n = fit_normaliser(Normalisation::minmax, rows);
  EXPECT_DOUBLE_EQ(n.centre[3], 3005);
  EXPECT_DOUBLE_EQ(n.scale[3], 90);
  EXPECT_EQ(n.apply(3, 3005), 0);
  EXPECT_EQ(n.apply(3, 3095), 1);
  EXPECT_DOUBLE_EQ(n.apply(3, 3050), 0.5);
  EXPECT_EQ(n.apply(3, 3000), 0) << "clipped";
  EXPECT_EQ(n.apply(3, 3100), 1) << "clipped";

  // A dimension whose 5th and 95th percentiles coincide uses its min and max; a constant one
  // is ignored.
  std::vector<double> mostly_zero(100 * D, 0.0);
  mostly_zero[7 * D + 2] = 4;
  const Normaliser z = fit_normaliser(Normalisation::minmax, mostly_zero);
  EXPECT_EQ(z.centre[2], 0);
  EXPECT_EQ(z.scale[2], 4);
  EXPECT_EQ(z.scale[0], 0);
  EXPECT_EQ(z.apply(0, 123.0), 0);
}

TEST(Normalisation, ZscoreIsMeanAndPopulationDeviationUnclipped) {
  std::vector<double> rows(4 * D, 0.0);
  const double column[4] = {1, 2, 3, 6};  // mean 3, variance (4 + 1 + 0 + 9) / 4 = 3.5
  for (std::size_t r = 0; r < 4; ++r) rows[r * D + 5] = column[r];
  const Normaliser n = fit_normaliser(Normalisation::zscore, rows);
  EXPECT_EQ(n.centre[5], 3);
  EXPECT_DOUBLE_EQ(n.scale[5], std::sqrt(3.5));
  EXPECT_DOUBLE_EQ(n.apply(5, 3 + 2 * std::sqrt(3.5)), 2.0);
}

TEST(Metric, KnownDistancesAndShares) {
  const Weights equal = weight_preset("equal").value();
  std::vector<double> a(D, 0.0), b(D, 0.2), c(D, 0.0);
  EXPECT_DOUBLE_EQ(distance(equal, a.data(), b.data()), 0.2);
  c[0] = 1;  // one dimension apart by 1: sqrt(1/25)
  EXPECT_DOUBLE_EQ(distance(equal, a.data(), c.data()), 0.2);
  c[1] = 1;
  EXPECT_DOUBLE_EQ(distance(equal, a.data(), c.data()), std::sqrt(2.0 / 25));
  const auto shares = distance_shares(equal, a.data(), c.data());
  EXPECT_DOUBLE_EQ(shares[0], 0.5);
  EXPECT_DOUBLE_EQ(shares[1], 0.5);
  EXPECT_EQ(shares[2], 0);
  const Weights auralis = weight_preset("auralis").value();
  std::vector<double> lufs(D, 0.0);
  lufs[static_cast<std::size_t>(Dim::lufs)] = 1;
  EXPECT_DOUBLE_EQ(distance(auralis, a.data(), lufs.data()), std::sqrt(0.10 / 1.03));
}

std::vector<std::int16_t> random_blocks(std::size_t blocks, std::mt19937& rng) {
  std::uniform_int_distribution<int> level(0, QuantisedRows::kMaxLevel);
  std::vector<std::int16_t> out(blocks * QuantisedRows::kBlockValues, 0);  // the pad stays 0
  for (std::size_t b = 0; b < blocks; ++b)
    for (std::size_t d = 0; d < D; ++d)
      for (std::size_t lane = 0; lane < QuantisedRows::kBlockRows; ++lane)
        out[QuantisedRows::index(b, d, lane)] = static_cast<std::int16_t>(level(rng));
  // The extremes, where an overflow would show.
  for (std::size_t d = 0; d < D; ++d) out[QuantisedRows::index(0, d, 0)] = QuantisedRows::kMaxLevel;
  return out;
}

TEST(DistanceKernel, EveryCompiledTargetGivesTheReferenceSums) {
  std::mt19937 rng(11);
  const auto blocks = random_blocks(5, rng);
  std::vector<std::int16_t> query(D, 0);
  query[3] = 17;
  std::vector<std::int32_t> expected(5 * QuantisedRows::kBlockRows);
  const std::int32_t least =
      squared_distances_reference(blocks.data(), 5, query.data(), expected.data());
  EXPECT_EQ(least, *std::min_element(expected.begin(), expected.end()));
  EXPECT_EQ(expected[0], static_cast<std::int32_t>(24 * 8191 * 8191 + (8191 - 17) * (8191 - 17)));
  const auto targets = hwy::SupportedAndGeneratedTargets();
  ASSERT_FALSE(targets.empty());
  for (const std::int64_t target : targets) {
    hwy::SetSupportedTargetsForTest(target);
    std::vector<std::int32_t> got(expected.size(), -1);
    EXPECT_EQ(squared_distances(blocks.data(), 5, query.data(), got.data()), least);
    EXPECT_EQ(got, expected) << hwy::TargetName(target);
  }
  hwy::SetSupportedTargetsForTest(0);
  std::printf("distance kernel: %zu targets, running on %s\n", targets.size(),
              distance_kernel_target().c_str());
}

// The exact top n by the metric's formula, computed naively in double precision.
std::vector<Neighbour> naive_nearest(const std::vector<double>& rows, const Weights& w,
                                     const double* query, std::size_t n,
                                     const std::vector<std::uint32_t>& excluded) {
  std::vector<Neighbour> all;
  for (std::uint32_t r = 0; r < rows.size() / D; ++r) {
    if (std::find(excluded.begin(), excluded.end(), r) != excluded.end()) continue;
    all.push_back({r, distance(w, &rows[r * D], query)});
  }
  std::sort(all.begin(), all.end(), [](const Neighbour& a, const Neighbour& b) {
    return a.distance < b.distance || (a.distance == b.distance && a.row < b.row);
  });
  all.resize(std::min(n, all.size()));
  return all;
}

TEST(ExactSearch, MatchesTheNaiveDoubleReferenceTiesIncluded) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> unit(0, 1);
  const std::size_t n = 3001;  // not a whole number of blocks
  std::vector<double> rows(n * D);
  for (auto& v : rows) v = unit(rng);
  // Exact copies (equal distances to anything) and rows a hair apart, which only the double
  // ranking can order.
  for (std::size_t copy : {10u, 500u, 2999u}) std::copy_n(&rows[77 * D], D, &rows[copy * D]);
  std::copy_n(&rows[78 * D], D, &rows[79 * D]);
  rows[79 * D + 4] += 1e-12;
  // Many rows on a coarse grid: lots of exact ties among distinct rows.
  for (std::size_t r = 1000; r < 1600; ++r)
    for (std::size_t d = 0; d < D; ++d) rows[r * D + d] = std::round(unit(rng) * 2) / 2;
  const auto reference_rows = rows;
  for (const char* preset : {"auralis", "equal"}) {
    const Weights w = weight_preset(preset).value();
    const ExactSearch search(rows, w);
    for (std::uint32_t q : {77u, 78u, 0u, 1200u, 3000u}) {
      const std::vector<std::uint32_t> self{q};
      for (std::size_t k : {1u, 10u, 57u}) {
        EXPECT_EQ(search.nearest(&reference_rows[q * D], k, self),
                  naive_nearest(reference_rows, w, &reference_rows[q * D], k, self))
            << preset << " query " << q << " k " << k;
      }
    }
    // A point that is no row, outside the rows' range in places.
    std::vector<double> point(D, 0.5);
    point[0] = 1.7;
    point[9] = -0.4;
    EXPECT_EQ(search.nearest(point.data(), 25),
              naive_nearest(reference_rows, w, point.data(), 25, {}));
    // More than there are.
    EXPECT_EQ(search.nearest(point.data(), 5000).size(), n);
  }
  // On the grid: row 77's copies come in row order, right after it.
  const ExactSearch search(rows, weight_preset("equal").value());
  const auto near77 = search.nearest(&reference_rows[77 * D], 4);
  ASSERT_EQ(near77.size(), 4u);
  EXPECT_EQ(
      (std::vector<std::uint32_t>{near77[0].row, near77[1].row, near77[2].row, near77[3].row}),
      (std::vector<std::uint32_t>{10, 77, 500, 2999}));
  EXPECT_EQ(near77[3].distance, 0);
}

TEST(ExactSearch, ExcludedRowsAreNeverReturned) {
  std::vector<double> rows(6 * D, 0.0);
  for (std::size_t r = 0; r < 6; ++r) rows[r * D] = static_cast<double>(r) / 5;
  const ExactSearch search(rows, weight_preset("equal").value());
  const std::vector<std::uint32_t> excluded{0, 1, 3};
  const auto got = search.nearest(&rows[0], 3, excluded);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].row, 2u);
  EXPECT_EQ(got[1].row, 4u);
  EXPECT_EQ(got[2].row, 5u);
  EXPECT_DOUBLE_EQ(got[0].distance, 0.4 / 5);  // sqrt(1/25 * 0.4^2)
}

}  // namespace
}  // namespace trackprint::similarity

namespace trackprint::similarity {
namespace {

// Rows on a line: row i sits at t = i / (n - 1) in dimension 0, 0 elsewhere.
std::vector<double> line_rows(std::size_t n) {
  std::vector<double> rows(n * D, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    rows[i * D] = static_cast<double>(i) / static_cast<double>(n - 1);
  return rows;
}

TrackFacts no_facts() {
  TrackFacts f;
  f.artist = [](std::uint32_t) { return std::string(); };
  f.album = [](std::uint32_t) { return std::string(); };
  f.same_recording = [](std::uint32_t, std::uint32_t) { return false; };
  return f;
}

TEST(SonicPath, StartsAtTheSeedEndsAtTheTargetAndStepsEvenlyAlongTheLine) {
  const ExactSearch search(line_rows(101), weight_preset("equal").value());
  const TrackFacts facts = no_facts();
  const std::vector<std::uint32_t> ends{0, 100};
  const auto path = sonic_path(search, ends, {11, 0, 0, 0}, facts);
  EXPECT_EQ(path, (std::vector<std::uint32_t>{0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100}));
  // Backwards, and through a waypoint: the legs share the steps by their lengths.
  const std::vector<std::uint32_t> via{100, 60, 80};
  const auto back = sonic_path(search, via, {8, 0, 0, 0}, facts);
  ASSERT_EQ(back.size(), 8u);
  EXPECT_EQ(back.front(), 100u);
  EXPECT_EQ(back.back(), 80u);
  EXPECT_EQ(std::count(back.begin(), back.end(), 60u), 1);
  // 5 intermediates over legs of 0.4 and 0.2: 3 and 2 (largest remainder 3.33 / 1.67).
  EXPECT_EQ(back[4], 60u);
  for (std::size_t i = 1; i < 4; ++i) EXPECT_LT(back[i], back[i - 1]);
  for (std::size_t i = 5; i < back.size(); ++i) EXPECT_GT(back[i], back[i - 1]);
}

TEST(SonicPath, CapsAndMinimumDistanceAreHonoured) {
  const ExactSearch search(line_rows(101), weight_preset("equal").value());
  TrackFacts facts = no_facts();
  facts.artist = [](std::uint32_t row) { return "artist " + std::to_string(row % 3); };
  facts.album = [](std::uint32_t row) { return "album " + std::to_string(row / 10); };
  const std::vector<std::uint32_t> ends{0, 100};
  PlaylistLimits limits{20, 7, 1, 0.003};
  const auto path = sonic_path(search, ends, limits, facts);
  // Albums 0..9 hold rows 0-9, ..., 90-99; row 100 is album 10. One track of each at most, so
  // the path of 20 is cut to the 11 albums there are, and still ends at its target.
  ASSERT_EQ(path.size(), 11u);
  EXPECT_EQ(path.front(), 0u);
  EXPECT_EQ(path.back(), 100u);
  std::map<std::string, int> artists, albums;
  for (const std::uint32_t r : path) {
    ++artists[facts.artist(r)];
    ++albums[facts.album(r)];
  }
  for (const auto& [a, n] : artists) EXPECT_LE(n, 7) << a;
  for (const auto& [a, n] : albums) EXPECT_EQ(n, 1) << a;
  for (std::size_t i = 0; i < path.size(); ++i)
    for (std::size_t j = i + 1; j < path.size(); ++j)
      EXPECT_GE(distance(search.weights(), search.row(path[i]), search.row(path[j])), 0.003);
}

TEST(SeedPlaylist, TheSeedComesFirstTheNearestTracksFollowInAFlowingOrder) {
  const ExactSearch search(line_rows(101), weight_preset("equal").value());
  const TrackFacts facts = no_facts();
  const std::vector<std::uint32_t> seed{50};
  const auto list = seed_playlist(search, seed, {7, 0, 0, 0}, facts);
  ASSERT_EQ(list.size(), 7u);
  EXPECT_EQ(list[0], 50u);
  std::vector<std::uint32_t> sorted = list;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<std::uint32_t>{47, 48, 49, 50, 51, 52, 53}));
  // Flowing: from 50, one way to the end, then the other: no jump back and forth.
  double walked = 0;
  for (std::size_t i = 1; i < list.size(); ++i)
    walked += distance(search.weights(), search.row(list[i - 1]), search.row(list[i]));
  EXPECT_NEAR(walked, (3.0 + 6.0) / 100 / 5, 1e-12);  // 3 steps out, 6 back past the seed
  EXPECT_EQ(std::count(list.begin(), list.end(), 50u), 1) << "the seed appears once";
}

TEST(SeedPlaylist, DuplicatesAndCapsAreLeftOut) {
  const ExactSearch search(line_rows(101), weight_preset("equal").value());
  TrackFacts facts = no_facts();
  // Rows 51 and 52 are copies of the seed's recording; even rows share one artist.
  facts.same_recording = [](std::uint32_t a, std::uint32_t b) {
    const auto copy = [](std::uint32_t r) { return r == 50 || r == 51 || r == 52; };
    return copy(a) && copy(b);
  };
  facts.artist = [](std::uint32_t row) { return row % 2 == 0 ? "even" : ""; };
  const std::vector<std::uint32_t> seed{50};
  const auto list = seed_playlist(search, seed, {5, 2, 0, 0}, facts);
  std::vector<std::uint32_t> sorted = list;
  std::sort(sorted.begin(), sorted.end());
  // The seed (even) and one more even row (48); 51 and 52 are copies; untagged odd rows are
  // free, and of 47 and 53, as near as each other, the lower row comes first.
  EXPECT_EQ(sorted, (std::vector<std::uint32_t>{47, 48, 49, 50, 53}));
}

TEST(Duplicates, SameRecordingIsWithinEveryToleranceAndTheDuration) {
  std::vector<double> a(D, 0.5);
  a[static_cast<std::size_t>(Dim::tempo_bpm)] = 120;
  a[static_cast<std::size_t>(Dim::lufs)] = -12;
  std::vector<double> b = a;
  EXPECT_EQ(recording_distance(a.data(), 200, b.data(), 200), 0);
  b[static_cast<std::size_t>(Dim::lufs)] = -12.5;  // half the tolerance of 1 dB
  EXPECT_DOUBLE_EQ(recording_distance(a.data(), 200, b.data(), 200), 0.5);
  b[static_cast<std::size_t>(Dim::tempo_bpm)] = 60;  // half the tempo: a beat tracker's octave
  EXPECT_DOUBLE_EQ(recording_distance(a.data(), 200, b.data(), 200), 0.5);
  EXPECT_TRUE(same_recording(a.data(), 200, b.data(), 201));
  EXPECT_FALSE(same_recording(a.data(), 200, b.data(), 203)) << "3 s apart (2 s allowed)";
  EXPECT_TRUE(same_recording(a.data(), 400, b.data(), 403.9)) << "1 % of 403.9 s";
  b[static_cast<std::size_t>(Dim::lufs)] = -14;  // twice the tolerance
  EXPECT_FALSE(same_recording(a.data(), 200, b.data(), 200));
}

TEST(Duplicates, GroupsComeByFirstRowWithTheirLargestDistance) {
  std::vector<double> rows(5 * D, 0.5);
  std::vector<double> durations{180, 300, 180.5, 300, 181};
  rows[2 * D + 7] += 0.25;   // row 2: a quarter of the lufs tolerance from rows 0 and 4
  rows[3 * D + 7] += 0.5;    // row 3: half of it from row 1
  rows[4 * D + 0] += 0.004;  // row 4: a fifth of the sub-bass tolerance
  const auto groups = find_duplicates(rows, durations);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].rows, (std::vector<std::uint32_t>{0, 2, 4}));
  EXPECT_DOUBLE_EQ(groups[0].distance, 0.5) << "rows 0 and 4: 1 s of the 2 s allowed";
  EXPECT_EQ(groups[1].rows, (std::vector<std::uint32_t>{1, 3}));
  EXPECT_DOUBLE_EQ(groups[1].distance, 0.5);
}

TEST(M3u8, PathsAreRelativeWhenThePlaylistLiesAboveThem) {
  EXPECT_EQ(playlist_relative("/music/a/b.flac", "/music/list.m3u8"), "a/b.flac");
  EXPECT_EQ(playlist_relative("/music/a/b.flac", "/music/a/list.m3u8"), "b.flac");
  EXPECT_EQ(playlist_relative("/music/a/b.flac", "/music/c/list.m3u8"), "/music/a/b.flac");
  EXPECT_EQ(playlist_relative("/other/b.flac", "/music/list.m3u8"), "/other/b.flac");
  EXPECT_EQ(playlist_relative("/music/b.flac", "/music/x/../list.m3u8"), "b.flac");
  const std::string text = m3u8_text({{"/music/a/b.flac", 183.6, "Artist", "Song"},
                                      {"/elsewhere/untagged track.ogg", 59.4, "", ""},
                                      {"/music/c.flac", 1, "", "Title\nwith a newline"}},
                                     "/music/list.m3u8");
  EXPECT_EQ(text,
            "#EXTM3U\n"
            "#EXTINF:184,Artist - Song\n"
            "a/b.flac\n"
            "#EXTINF:59,untagged track\n"
            "/elsewhere/untagged track.ogg\n"
            "#EXTINF:1,Title with a newline\n"
            "c.flac\n");
}

}  // namespace
}  // namespace trackprint::similarity

// Through the public interface, on a store made by hand.
namespace trackprint {
namespace {

using unit::TempDir;

// Dimension 0 of the 21 tracks, in the order they are stored (ids 1..21). Sorted, its 5th
// percentile (the 2nd value) is 0 and its 95th (the 20th) is 16, so a value v normalises to
// v / 16 exactly (clipped to 0..1); every other dimension is constant, and so ignored. With
// equal weights two tracks are |a - b| / 80 apart.
constexpr double kValues[21] = {9,  7,  8,  0,  30, 1,  2,    3,     4,  5, 6,
                                10, 11, 12, 13, 14, 15, 15.5, 15.75, 16, -5};

void fill(const std::string& db, std::size_t count) {
  library::Store store(db, false);
  store.begin();
  for (std::size_t i = 0; i < count; ++i) {
    library::AnalysisResult r;
    r.path = "/m/t" + std::to_string(i) + ".flac";
    r.size = 1;
    r.mtime_ns = 1;
    Fingerprint fp;
    fp.values.fill(0.5);
    fp.values[0] = kValues[i];
    fp.duration_s = 100 + 10 * static_cast<double>(i);  // no two alike: no duplicates
    r.fingerprint = fp;
    r.tags.artist = i < 3 ? "Three" : "Artist " + std::to_string(i);
    store.put_result(r);
  }
  store.commit();
}

TEST(SimilarityIndex, KnownDistancesTiesToTheLowerIdAndNeverTheSeed) {
  TempDir dir;
  fill(dir / "s.db", 21);
  auto lib = Library::open(dir / "s.db");
  ASSERT_TRUE(lib.ok());
  auto index = SimilarityIndex::open(lib.value(), "equal");
  ASSERT_TRUE(index.ok()) << index.error().message();
  const std::int64_t eight = index.value().find("3").value();  // id 3 holds 8
  const auto near = index.value().similar(eight, 4);
  ASSERT_EQ(near.size(), 4u);
  // 9 (id 1) and 7 (id 2) are both 1/80 away: the lower id first; then 6 (id 11) and 10 (id 12).
  EXPECT_EQ(near[0].id, 1);
  EXPECT_EQ(near[1].id, 2);
  EXPECT_EQ(near[0].distance, near[1].distance);
  EXPECT_DOUBLE_EQ(near[0].distance, 1.0 / 80);
  EXPECT_EQ(near[2].id, 11);
  EXPECT_EQ(near[3].id, 12);
  EXPECT_DOUBLE_EQ(near[3].distance, 2.0 / 80);
  // 30 and 16 normalise to 1 alike, -5 and 0 to 0: they are 0 apart.
  const auto top = index.value().similar(index.value().find("5").value(), 1);
  EXPECT_EQ(top[0].id, 20);
  EXPECT_EQ(top[0].distance, 0);
  for (const auto& list : index.value().graph(20, 2)) EXPECT_EQ(list.size(), 20u);
  const auto graph = index.value().graph(3, 2);
  for (std::size_t r = 0; r < graph.size(); ++r) {
    for (const SimilarTrack& s : graph[r]) EXPECT_NE(s.id, index.value().ids()[r]) << "itself";
  }
  EXPECT_EQ(graph[2].front().id, 1) << "the graph is similar() of every track";
  const auto shares = index.value().explain(eight, 1);
  EXPECT_EQ(shares[0], 1.0) << "all of the distance is in dimension 0";
}

TEST(SimilarityIndex, AFingerprintFromOutsideIsNormalisedByTheLibrarysFit) {
  TempDir dir;
  fill(dir / "s.db", 21);
  auto lib = Library::open(dir / "s.db");
  ASSERT_TRUE(lib.ok());
  auto index = SimilarityIndex::open(lib.value(), "equal");
  ASSERT_TRUE(index.ok()) << index.error().message();
  const SimilarityIndex& ix = index.value();
  // A track's own fingerprint, itself left out, finds what similar() finds, bit for bit.
  Fingerprint eight;
  eight.values.fill(0.5);
  eight.values[0] = 8;
  const auto near = ix.similar(3, 4);
  const auto near_to = ix.similar_to(eight, 4, 3);
  ASSERT_EQ(near_to.size(), near.size());
  for (std::size_t i = 0; i < near.size(); ++i) {
    EXPECT_EQ(near_to[i].id, near[i].id);
    EXPECT_EQ(near_to[i].distance, near[i].distance);
  }
  // Not left out, it is its own nearest, at 0.
  EXPECT_EQ(ix.similar_to(eight, 1)[0].id, 3);
  EXPECT_EQ(ix.similar_to(eight, 1)[0].distance, 0);
  // A value the library never held: 8.8 normalises to 8.8 / 16, between 9 (id 1) and 8 (id 3),
  // 0.2 / 80 from 9; clipped above 16 as the library's own values are.
  eight.values[0] = 8.8;
  const auto between = ix.similar_to(eight, 2);
  EXPECT_EQ(between[0].id, 1);
  EXPECT_NEAR(between[0].distance, 0.2 / 80, 1e-15);
  EXPECT_EQ(between[1].id, 3);
  eight.values[0] = 1000;
  EXPECT_EQ(ix.similar_to(eight, 1)[0].distance, 0) << "clipped onto 16's 1";
  // Coordinates: Euclidean distance between two rows is the metric's distance.
  const std::vector<double> xy = ix.coordinates();
  ASSERT_EQ(xy.size(), ix.size() * kDimensionCount);
  const auto euclid = [&xy](std::size_t a, std::size_t b) {
    double ss = 0;
    for (std::size_t d = 0; d < kDimensionCount; ++d) {
      const double diff = xy[a * kDimensionCount + d] - xy[b * kDimensionCount + d];
      ss += diff * diff;
    }
    return std::sqrt(ss);
  };
  EXPECT_NEAR(euclid(2, 0), 1.0 / 80, 1e-15);   // rows 2 and 0: ids 3 and 1, 8 and 9
  EXPECT_NEAR(euclid(2, 11), 2.0 / 80, 1e-15);  // id 12 holds 10
}

TEST(SimilarityIndex, AnUnknownOrFailedSeedIsAClearError) {
  TempDir dir;
  fill(dir / "s.db", 21);
  {
    library::Store store(dir / "s.db", false);
    library::AnalysisResult bad;
    bad.path = "/m/bad.mp3";
    bad.error = Error{ErrorKind::decode, "/m/bad.mp3", "truncated"};
    store.begin();
    store.put_result(bad);
    store.commit();
  }
  auto lib = Library::open(dir / "s.db");
  auto index = SimilarityIndex::open(lib.value());
  ASSERT_TRUE(index.ok());
  const auto missing = index.value().find("/m/nope.flac");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message(), "/m/nope.flac: not in the store");
  const auto failed = index.value().find("/m/bad.mp3");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message(), "/m/bad.mp3: has no fingerprint (failed: truncated)");
  EXPECT_FALSE(SimilarityIndex::open(lib.value(), "manhattan").ok());
}

TEST(SimilarityIndex, TheMetricIsStoredAndRefittedOnlyWhenTheFingerprintsChange) {
  TempDir dir;
  fill(dir / "s.db", 20);
  std::int64_t first_id = 0;
  {
    auto lib = Library::open(dir / "s.db");
    auto index = SimilarityIndex::open(lib.value());
    ASSERT_TRUE(index.ok());
    EXPECT_TRUE(index.value().metric().refitted);
    EXPECT_EQ(index.value().metric().name, "auralis");
    EXPECT_EQ(index.value().metric().tracks, 20);
    first_id = index.value().metric().id;
    EXPECT_GT(first_id, 0);
    auto again = SimilarityIndex::open(lib.value());
    EXPECT_FALSE(again.value().metric().refitted);
    EXPECT_EQ(again.value().metric().id, first_id);
  }
  fill(dir / "s.db", 21);  // one track more
  auto lib = Library::open(dir / "s.db");
  auto index = SimilarityIndex::open(lib.value());
  EXPECT_TRUE(index.value().metric().refitted);
  EXPECT_GT(index.value().metric().id, first_id);
  EXPECT_EQ(index.value().metric().tracks, 21);
  // A read-only store still answers, with a fit it cannot keep.
  auto reader = Library::open(dir / "s.db", Library::Mode::read_only);
  auto zscore = SimilarityIndex::open(reader.value(), "auralis-zscore");
  ASSERT_TRUE(zscore.ok());
  EXPECT_TRUE(zscore.value().metric().refitted);
  EXPECT_EQ(zscore.value().metric().id, 0);
  EXPECT_EQ(zscore.value().metric().normalisation, "zscore");
}

TEST(SimilarityIndex, PlaylistsStartAtTheSeedAndPathsEndAtTheTarget) {
  TempDir dir;
  fill(dir / "s.db", 21);
  auto lib = Library::open(dir / "s.db");
  auto index = SimilarityIndex::open(lib.value(), "equal");
  PlaylistOptions options;
  options.length = 6;
  options.max_per_artist = 1;  // ids 1, 2, 3 share an artist
  const auto list = index.value().playlist({3}, options);
  ASSERT_TRUE(list.ok()) << list.error().message();
  ASSERT_EQ(list.value().size(), 6u);
  EXPECT_EQ(list.value()[0].id, 3);
  EXPECT_EQ(list.value()[0].distance, 0);
  for (const SimilarTrack& t : list.value()) {
    EXPECT_NE(t.id, 1) << "the seed's artist, capped at 1";
    EXPECT_NE(t.id, 2) << "the seed's artist, capped at 1";
  }
  options.to = {20};  // 16
  options.max_per_artist = 0;
  const auto path = index.value().playlist({6}, options);  // 1
  ASSERT_TRUE(path.ok());
  ASSERT_EQ(path.value().size(), 6u);
  EXPECT_EQ(path.value().front().id, 6);
  EXPECT_EQ(path.value().back().id, 20);
  options.length = 1;
  EXPECT_FALSE(index.value().playlist({6}, options).ok()) << "no room for the target";
}

}  // namespace
}  // namespace trackprint
