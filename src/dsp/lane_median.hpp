// Many exact running medians at once, one SIMD lane per sequence: the HPSS kernels. Each lane
// keeps its window of kLaneWindow values sorted; a step removes one value and adds one with a
// single branch-free pass over the slots (compares, selects, min and max only, so every
// instruction set gives the same bits as the scalar median_filter_reference).
//
// Highway compiles the kernel for each instruction set and picks one at run time (no -march
// needed): AVX-512, AVX2, SSE4, SSSE3 or scalar code; tests run every one the machine has.
#pragma once

#include <cstddef>
#include <limits>

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
                       const float* const* leaving, const float* const* entering,
                       float* const* out);

}  // namespace trackprint::dsp
