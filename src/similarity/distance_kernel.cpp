#include "similarity/distance_kernel.hpp"

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

void SquaredDistances(const std::int16_t* blocks, std::size_t block_count,
                      const std::int16_t* query, std::int32_t* out) {
  constexpr std::size_t kRows = QuantisedRows::kBlockRows;
  // At most a block's width of int32 lanes; each is one row. Levels are loaded as int16 and
  // widened: a difference of two 13-bit levels squared and summed 25 times stays in int32.
  const hn::CappedTag<std::int32_t, kRows> d32;
  const hn::Rebind<std::int16_t, decltype(d32)> d16;
  const std::size_t lanes = hn::Lanes(d32);
  for (std::size_t b = 0; b < block_count; ++b) {
    const std::int16_t* block = blocks + b * kDimensionCount * kRows;
    for (std::size_t first = 0; first < kRows; first += lanes) {
      auto sum = hn::Zero(d32);
      for (std::size_t d = 0; d < kDimensionCount; ++d) {
        const auto row = hn::PromoteTo(d32, hn::LoadU(d16, block + d * kRows + first));
        const auto diff = hn::Sub(row, hn::Set(d32, query[d]));
        sum = hn::Add(sum, hn::Mul(diff, diff));
      }
      hn::StoreU(sum, d32, out + b * kRows + first);
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace trackprint::similarity
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace trackprint::similarity {

HWY_EXPORT(SquaredDistances);

void squared_distances(const std::int16_t* blocks, std::size_t block_count,
                       const std::int16_t* query, std::int32_t* out) {
  HWY_DYNAMIC_DISPATCH(SquaredDistances)(blocks, block_count, query, out);
}

void squared_distances_reference(const std::int16_t* blocks, std::size_t block_count,
                                 const std::int16_t* query, std::int32_t* out) {
  constexpr std::size_t kRows = QuantisedRows::kBlockRows;
  for (std::size_t b = 0; b < block_count; ++b) {
    for (std::size_t lane = 0; lane < kRows; ++lane) {
      std::int32_t sum = 0;
      for (std::size_t d = 0; d < kDimensionCount; ++d) {
        const std::int32_t diff = blocks[(b * kDimensionCount + d) * kRows + lane] - query[d];
        sum += diff * diff;
      }
      out[b * kRows + lane] = sum;
    }
  }
}

std::string distance_kernel_target() {
  // The target HWY_DYNAMIC_DISPATCH picks: the best one both compiled and supported.
  const auto targets = hwy::SupportedAndGeneratedTargets();
  return targets.empty() ? "none" : hwy::TargetName(targets.front());
}

}  // namespace trackprint::similarity
#endif
