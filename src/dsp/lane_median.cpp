// The kernel is compiled once per instruction set by Highway (foreach_target) and picked at run
// time; it uses compares, selects, min and max only, so every target gives the same bits.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "dsp/lane_median.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "dsp/lane_median.hpp"

HWY_BEFORE_NAMESPACE();
namespace trackprint::dsp {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// One step on a sorted window s[0 .. 31) (s[31] = +inf, r[-1] = -inf implied): removing o gives
//   r[j] = s[j] < o ? s[j] : s[j + 1]       (the lowest slot holding o and all above move down)
// then adding v to the sorted r gives
//   new[j] = max(min(r[j], v), r[j - 1])     (r[j] <= v stays; the first slot above v takes v;
//                                             the rest take the slot below: r is sorted)
// Equal values are interchangeable, so ties need no care; min(a, b) is a < b ? a : b and
// max(a, b) is a > b ? a : b on every target for values that are not NaN. Lanes of the target's
// width, 16 / width chunks per group; each chunk's window lives in registers (as far as there
// are enough) across the steps.
void LaneMedianSteps(float* HWY_RESTRICT state, std::size_t groups, std::size_t steps,
                     const float* const* leaving, const float* const* entering, float* const* out) {
  const hn::CappedTag<float, kLaneWidth> d;
  using V = hn::Vec<decltype(d)>;
  const std::size_t w = hn::Lanes(d);
  const V inf = hn::Set(d, std::numeric_limits<float>::infinity());
  const V minus_inf = hn::Set(d, -std::numeric_limits<float>::infinity());
  for (std::size_t c = 0; c < groups * (kLaneWidth / w); ++c) {
    const std::size_t g = c / (kLaneWidth / w);
    const std::size_t lane0 = c * w;  // offset of this chunk in a row
    float* st = state + g * kLaneGroupState + (c % (kLaneWidth / w)) * w;
    V s[kLaneWindow];
    HWY_UNROLL(32)
    for (std::size_t j = 0; j < kLaneWindow; ++j) s[j] = hn::LoadU(d, st + j * kLaneWidth);
    for (std::size_t k = 0; k < steps; ++k) {
      const V o = hn::LoadU(d, leaving[k] + lane0);
      const V v = hn::LoadU(d, entering[k] + lane0);
      V r_prev = minus_inf;
      HWY_UNROLL(32)
      for (std::size_t j = 0; j < kLaneWindow; ++j) {
        const V above = j + 1 < kLaneWindow ? s[j + 1] : inf;
        const V r = hn::IfThenElse(hn::Lt(s[j], o), s[j], above);
        s[j] = hn::Max(hn::Min(r, v), r_prev);
        r_prev = r;
      }
      if (out[k] != nullptr) hn::StoreU(s[kLaneRadius], d, out[k] + lane0);
    }
    HWY_UNROLL(32)
    for (std::size_t j = 0; j < kLaneWindow; ++j) hn::StoreU(s[j], d, st + j * kLaneWidth);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace trackprint::dsp
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace trackprint::dsp {
HWY_EXPORT(LaneMedianSteps);

void lane_median_clear(float* state, std::size_t groups) {
  for (std::size_t i = 0; i < groups * kLaneGroupState; ++i) {
    state[i] = std::numeric_limits<float>::infinity();
  }
}

void lane_median_steps(float* state, std::size_t groups, std::size_t steps,
                       const float* const* leaving, const float* const* entering,
                       float* const* out) {
  HWY_DYNAMIC_DISPATCH(LaneMedianSteps)(state, groups, steps, leaving, entering, out);
}

}  // namespace trackprint::dsp
#endif  // HWY_ONCE
