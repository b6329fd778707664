#include "similarity/distance_kernel.hpp"

#include <algorithm>
#include <climits>

// Highway compiles this file once per SIMD target (foreach_target re-includes it).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "similarity/distance_kernel.cpp"
#include <hwy/foreach_target.h>  // must come before highway.h
#include <hwy/highway.h>

#include "similarity/quantised_rows.hpp"

HWY_BEFORE_NAMESPACE();
namespace trackprint::similarity {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

std::int32_t SquaredDistances(const std::int16_t* blocks, std::size_t block_count,
                              const std::int16_t* query, std::int32_t* out) {
#if HWY_TARGET == HWY_SCALAR
  // One lane cannot hold a pair: the reference, which computes the same integers.
  return squared_distances_reference(blocks, block_count, query, out);
#else
  constexpr std::size_t kRows = QuantisedRows::kBlockRows;
  constexpr std::size_t kPairs = QuantisedRows::kPairs;
  // A vector holds the (d, d+1) values of lanes/2 rows; the query's pair, repeated, matches it.
  // ReorderWidenMulAccumulate widens the int16 differences' products to int32 and adds them in
  // pairs, and RearrangeToOddPlusEven makes each 32-bit lane the sum of its own two products:
  // one row's share of two dimensions.
  const hn::CappedTag<std::int16_t, 2 * kRows> d16;
  const hn::Repartition<std::int32_t, decltype(d16)> d32;
  const std::size_t lanes = hn::Lanes(d16);
  HWY_ALIGN std::int16_t pattern[kPairs * 2 * kRows];
  for (std::size_t p = 0; p < kPairs; ++p) {
    for (std::size_t l = 0; l < 2 * kRows; l += 2) {
      pattern[p * 2 * kRows + l] = query[2 * p];
      pattern[p * 2 * kRows + l + 1] = 2 * p + 1 < kDimensionCount ? query[2 * p + 1] : 0;
    }
  }
  auto least = hn::Set(d32, INT32_MAX);
  for (std::size_t b = 0; b < block_count; ++b) {
    const std::int16_t* block = blocks + b * QuantisedRows::kBlockValues;
    for (std::size_t first = 0; first < 2 * kRows; first += lanes) {
      auto sum0 = hn::Zero(d32);
      auto sum1 = hn::Zero(d32);
      for (std::size_t p = 0; p < kPairs; ++p) {
        const auto rows = hn::LoadU(d16, block + p * 2 * kRows + first);
        const auto diff = hn::Sub(rows, hn::Load(d16, pattern + p * 2 * kRows));
        sum0 = hn::ReorderWidenMulAccumulate(d32, diff, diff, sum0, sum1);
      }
      const auto sums = hn::RearrangeToOddPlusEven(sum0, sum1);
      least = hn::Min(least, sums);
      hn::StoreU(sums, d32, out + b * kRows + first / 2);
    }
  }
  return hn::GetLane(hn::MinOfLanes(d32, least));
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace trackprint::similarity
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace trackprint::similarity {

HWY_EXPORT(SquaredDistances);

std::int32_t squared_distances(const std::int16_t* blocks, std::size_t block_count,
                               const std::int16_t* query, std::int32_t* out) {
  return HWY_DYNAMIC_DISPATCH(SquaredDistances)(blocks, block_count, query, out);
}

std::int32_t squared_distances_reference(const std::int16_t* blocks, std::size_t block_count,
                                         const std::int16_t* query, std::int32_t* out) {
  constexpr std::size_t kRows = QuantisedRows::kBlockRows;
  std::int32_t least = INT32_MAX;
  for (std::size_t b = 0; b < block_count; ++b) {
    for (std::size_t lane = 0; lane < kRows; ++lane) {
      std::int32_t sum = 0;
      for (std::size_t d = 0; d < kDimensionCount; ++d) {
        const std::int32_t diff = blocks[QuantisedRows::index(b, d, lane)] - query[d];
        sum += diff * diff;
      }
      out[b * kRows + lane] = sum;
      least = std::min(least, sum);
    }
  }
  return least;
}

std::string distance_kernel_target() {
  // The target HWY_DYNAMIC_DISPATCH picks: the best one both compiled and supported.
  const auto targets = hwy::SupportedAndGeneratedTargets();
  return targets.empty() ? "none" : hwy::TargetName(targets.front());
}

}  // namespace trackprint::similarity
#endif
