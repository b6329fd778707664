// The engine's reading of a caller's stop request (AnalysisOptions::cancel): the long loops call
// check() between decoded blocks and between chunks of frames, and it throws Failure (kind
// cancelled) once the flag reads true. A relaxed load: it orders nothing and changes no value.
#pragma once

#include <atomic>

#include "trackprint/error.hpp"

namespace trackprint {

class CancelFlag {
 public:
  CancelFlag() = default;  // never set
  explicit CancelFlag(const std::atomic<bool>* flag) : flag_(flag) {}

  bool requested() const { return flag_ != nullptr && flag_->load(std::memory_order_relaxed); }
  void check() const {
    if (requested()) throw Failure(ErrorKind::cancelled, "cancelled");
  }

 private:
  const std::atomic<bool>* flag_ = nullptr;
};

// Frames of y (or of a frame series) between two checks of a CancelFlag in a loop that does not
// stream: 2^16 samples of y are about 3 s of audio, a few milliseconds of any family's work.
inline constexpr std::size_t kCancelChunk = 1 << 16;

}  // namespace trackprint
