// Run-time choice of instruction set for the few hand-vectorised DSP kernels (HPSS medians,
// masks, inverse STFT). Binaries are built for the x86-64 baseline; the kernels carry GCC target
// attributes and are picked here from what the CPU reports, so no -march is needed. Kernels only
// use IEEE-exact operations without contraction (no FMA), so every target gives the same bits.
#pragma once

#include <vector>

namespace trackprint::dsp {

enum class SimdTarget { generic, avx2, avx512 };
const char* simd_target_name(SimdTarget target);
// generic first, then each wider target this CPU supports (and this build has).
std::vector<SimdTarget> supported_simd_targets();
SimdTarget best_simd_target();  // the widest supported, found once

}  // namespace trackprint::dsp

// GCC only: the attributes below (optimize) and __builtin_shuffle are GCC's; another compiler
// gets the generic kernels.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TRACKPRINT_X86_TARGETS 1
// fp-contract=off: GCC fuses a * b + c in C++ by default wherever FMA is available.
#define TRACKPRINT_TARGET_AVX2 __attribute__((target("avx2"), optimize("fp-contract=off")))
#define TRACKPRINT_TARGET_AVX512 \
  __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq"), optimize("fp-contract=off")))
#endif
