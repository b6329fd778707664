#include "dsp/simd_target.hpp"

namespace trackprint::dsp {

const char* simd_target_name(SimdTarget target) {
  switch (target) {
    case SimdTarget::generic:
      return "generic";
    case SimdTarget::avx2:
      return "avx2";
    case SimdTarget::avx512:
      return "avx512";
  }
  return "?";
}

std::vector<SimdTarget> supported_simd_targets() {
  std::vector<SimdTarget> targets{SimdTarget::generic};
#ifdef TRACKPRINT_X86_TARGETS
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) targets.push_back(SimdTarget::avx2);
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")) {
    targets.push_back(SimdTarget::avx512);
  }
#endif
  return targets;
}

SimdTarget best_simd_target() {
  static const SimdTarget best = supported_simd_targets().back();
  return best;
}

}  // namespace trackprint::dsp
