// Fuzz target: the `.25d` sidecar reader on any text. It must never crash or throw, and what it
// accepts must be a fingerprint the engine could have made: every value in its range.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "library/sidecar.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace trackprint;
  // The identity the seeds were written for (fuzz/corpus/sidecar/).
  constexpr std::int64_t kSize = 14765;
  constexpr std::int64_t kMtime = 1795578702574954302;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto fp = library::parse_sidecar(text, kSize, kMtime);
  if (fp) {
    for (std::size_t i = 0; i < kDimensionCount; ++i) {
      const double v = fp->values[i];
      if (!(v >= kDimensions[i].min && v <= kDimensions[i].max)) std::abort();
    }
    if (!(fp->duration_s > 0) || fp->channels < 1) std::abort();
  }
  return 0;
}
