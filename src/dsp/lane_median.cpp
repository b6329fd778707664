#include "dsp/lane_median.hpp"

#include <limits>
#include <stdexcept>

namespace trackprint::dsp {
namespace {

// One step on a sorted window s[0 .. 31) (s[31] = +inf, r[-1] = -inf implied): removing o gives
//   r[j] = s[j] < o ? s[j] : s[j + 1]       (the lowest slot holding o and all above move down)
// then adding v to the sorted r gives
//   new[j] = max(min(r[j], v), r[j - 1])     (r[j] <= v stays; the first slot above v takes v;
//                                             the rest take the slot below: r is sorted)
// Equal values are interchangeable, so ties need no care. Lanes of W floats, 16 / W chunks per
// group; each chunk's window lives in registers (as far as there are enough) across the steps.
template <std::size_t W>
[[gnu::always_inline]] inline void steps_kernel(float* state, std::size_t groups, std::size_t steps,
                                                const float* const* leaving,
                                                const float* const* entering, float* const* out) {
  typedef float V __attribute__((vector_size(W * sizeof(float))));
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const V inf = V{} + kInf;
  const V minus_inf = V{} - kInf;
  for (std::size_t c = 0; c < groups * (kLaneWidth / W); ++c) {
    const std::size_t g = c / (kLaneWidth / W);
    const std::size_t lane0 = c * W;  // offset of this chunk in a row
    float* st = state + g * kLaneGroupState + (c % (kLaneWidth / W)) * W;
    V s[kLaneWindow];
#pragma GCC unroll 32
    for (std::size_t j = 0; j < kLaneWindow; ++j)
      __builtin_memcpy(&s[j], st + j * kLaneWidth, sizeof(V));
    for (std::size_t k = 0; k < steps; ++k) {
      V o, v;
      __builtin_memcpy(&o, leaving[k] + lane0, sizeof(V));
      __builtin_memcpy(&v, entering[k] + lane0, sizeof(V));
      V r_prev = minus_inf;
#pragma GCC unroll 32
      for (std::size_t j = 0; j < kLaneWindow; ++j) {
        const V above = j + 1 < kLaneWindow ? s[j + 1] : inf;
        const V r = s[j] < o ? s[j] : above;
        const V low = r < v ? r : v;
        s[j] = low > r_prev ? low : r_prev;
        r_prev = r;
      }
      if (out[k] != nullptr) __builtin_memcpy(out[k] + lane0, &s[kLaneRadius], sizeof(V));
    }
#pragma GCC unroll 32
    for (std::size_t j = 0; j < kLaneWindow; ++j)
      __builtin_memcpy(st + j * kLaneWidth, &s[j], sizeof(V));
  }
}

void steps_generic(float* state, std::size_t groups, std::size_t steps, const float* const* leaving,
                   const float* const* entering, float* const* out) {
  steps_kernel<4>(state, groups, steps, leaving, entering, out);
}

#ifdef TRACKPRINT_X86_TARGETS
TRACKPRINT_TARGET_AVX2 void steps_avx2(float* state, std::size_t groups, std::size_t steps,
                                       const float* const* leaving, const float* const* entering,
                                       float* const* out) {
  steps_kernel<8>(state, groups, steps, leaving, entering, out);
}
TRACKPRINT_TARGET_AVX512 void steps_avx512(float* state, std::size_t groups, std::size_t steps,
                                           const float* const* leaving,
                                           const float* const* entering, float* const* out) {
  steps_kernel<16>(state, groups, steps, leaving, entering, out);
}
#endif

}  // namespace

void lane_median_clear(float* state, std::size_t groups) {
  for (std::size_t i = 0; i < groups * kLaneGroupState; ++i) {
    state[i] = std::numeric_limits<float>::infinity();
  }
}

void lane_median_steps(float* state, std::size_t groups, std::size_t steps,
                       const float* const* leaving, const float* const* entering, float* const* out,
                       SimdTarget target) {
  switch (target) {
    case SimdTarget::generic:
      return steps_generic(state, groups, steps, leaving, entering, out);
#ifdef TRACKPRINT_X86_TARGETS
    case SimdTarget::avx2:
      return steps_avx2(state, groups, steps, leaving, entering, out);
    case SimdTarget::avx512:
      return steps_avx512(state, groups, steps, leaving, entering, out);
#endif
    default:
      throw std::invalid_argument("lane_median_steps: target not built");
  }
}

}  // namespace trackprint::dsp
