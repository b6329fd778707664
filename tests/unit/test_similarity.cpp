// The similarity layer's math: the weight presets, the normalisation, the kernel on every SIMD
// target against its scalar reference, and the exact search against a naive double-precision
// reference (ties included).
#include <gtest/gtest.h>
#include <hwy/targets.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "similarity/distance_kernel.hpp"
#include "similarity/exact_search.hpp"
#include "similarity/metric.hpp"
#include "similarity/normalisation.hpp"
#include "similarity/quantised_rows.hpp"
#include "similarity/weights.hpp"

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
