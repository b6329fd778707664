// The SIMD kernels' instruction sets: Highway compiles each kernel once per target and picks one
// at run time. A test runs its check under every target this machine can run (the scalar one
// included), so that each is seen to give the same bits as the others and as the references.
#pragma once

#include <hwy/targets.h>

#include <cstdint>
#include <string>
#include <vector>

namespace trackprint::test {

// Calls check(name) once per target, with the kernels of that target; then back to the best.
template <class Check>
void for_each_simd_target(Check&& check) {
  const std::vector<std::int64_t> targets = hwy::SupportedAndGeneratedTargets();
  for (const std::int64_t target : targets) {
    hwy::SetSupportedTargetsForTest(target);
    check(std::string(hwy::TargetName(target)));
  }
  hwy::SetSupportedTargetsForTest(0);
}

}  // namespace trackprint::test
