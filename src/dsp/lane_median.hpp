// Many exact running medians at once, one SIMD lane per sequence: the HPSS kernels. Each lane
// keeps its window of kLaneWindow values sorted; a step removes one value and adds one with a
// single branch-free pass over the slots (compares, selects, min and max only, so every
// instruction set gives the same bits as the scalar SlidingMedian / median_filter_reference).
//
// The instruction set is picked at run time from what the CPU has (GCC target attributes, no
// -march needed): AVX-512, AVX2, or the x86-64 baseline (SSE2) / generic vector code.
#pragma once

#include <cstddef>

#include "dsp/simd_target.hpp"

namespace trackprint::dsp {

inline constexpr std::size_t kLaneRadius = 15;  // librosa.decompose.hpss: kernel_size 31
inline constexpr std::size_t kLaneWindow = 2 * kLaneRadius + 1;
// Sequences per group, the same whatever the instruction set (one AVX-512 vector, two AVX2).
inline constexpr std::size_t kLaneWidth = 16;
// Floats of state per group: the sorted windows, slot-major (slot j of lane l at j*16 + l).
inline constexpr std::size_t kLaneGroupState = kLaneWindow * kLaneWidth;

// Set every window of `groups` groups to +inf: removing +inf then adds a value to a window
// still being filled, so kLaneWindow steps with leaving = +inf load the first window.
void lane_median_clear(float* state, std::size_t groups);

// For each group g and step s in order: lane l (sequence g*16 + l) removes one occurrence of
// leaving[s][g*16 + l] (which must be in its window) and adds entering[s][g*16 + l]; then, if
// out[s] is not null, out[s][g*16 + l] = the median (the kLaneRadius-th of the sorted window).
// Each group's state stays in registers across the steps. Values must not be NaN.
void lane_median_steps(float* state, std::size_t groups, std::size_t steps,
                       const float* const* leaving, const float* const* entering, float* const* out,
                       SimdTarget target);
inline void lane_median_steps(float* state, std::size_t groups, std::size_t steps,
                              const float* const* leaving, const float* const* entering,
                              float* const* out) {
  lane_median_steps(state, groups, steps, leaving, entering, out, best_simd_target());
}

}  // namespace trackprint::dsp
