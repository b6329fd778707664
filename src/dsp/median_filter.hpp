// Exact running medians along one axis, as scipy.ndimage.median_filter computes them with an
// odd window of 2*radius+1 samples on that axis (size 1 on the others) and mode="reflect"
// (d c b a | a b c d | d c b a: the edge sample is repeated). Sequences are strided views so one
// routine serves both axes of a frame-major spectrogram. float only: HPSS filters |S| (float32).
#pragma once

#include <cstddef>
#include <vector>

namespace trackprint::dsp {

// Where position i (any integer, e.g. -3 or n + 2) reads from in [0, n) under scipy's "reflect"
// extension. The extension is periodic with period 2n, so windows wider than the sequence (a
// signal of a few frames) fold back as often as needed, exactly like scipy. Requires n >= 1.
std::size_t reflect_index_slow(std::ptrdiff_t i, std::size_t n);
inline std::size_t reflect_index(std::ptrdiff_t i, std::size_t n) {
  // Inside the sequence (nearly every call) there is nothing to fold.
  if (i >= 0 && static_cast<std::size_t>(i) < n) return static_cast<std::size_t>(i);
  return reflect_index_slow(i, n);
}

// A strided sequence: element k is data[k * stride].
struct StridedConst {
  const float* data;
  std::ptrdiff_t stride;
  float operator[](std::size_t k) const { return data[static_cast<std::ptrdiff_t>(k) * stride]; }
};
struct Strided {
  float* data;
  std::ptrdiff_t stride;
  float& operator[](std::size_t k) const { return data[static_cast<std::ptrdiff_t>(k) * stride]; }
};

// Reference: out[k] = median of in[reflect(k - radius .. k + radius)], each window gathered and
// partially sorted from scratch. O(n * window); obviously correct; the oracle for fast versions.
void median_filter_reference(StridedConst in, std::size_t n, std::size_t radius, Strided out);

// The window of one running median: its 2*radius+1 values kept sorted. replace() rebuilds the
// sorted window from the old one with one branch-free pass (each slot picks from its old value
// and its two neighbours), which the compiler vectorises; two buffers alternate so the pass
// never reads what it has written. Keeps no pointer to the data, so a caller can run many side
// by side (one per spectrogram bin) and feed them row by row in cache order. Values must not
// be NaN (|S| never is).
class SlidingMedian {
 public:
  explicit SlidingMedian(std::size_t radius = 0);
  std::size_t radius() const { return size_ / 2; }

  // Fill the window with the values of positions k - radius .. k + radius (reflected) of `in`.
  void reset(StridedConst in, std::size_t n, std::size_t k);
  // Remove one occurrence of `leaving` (must be in the window) and add `entering`.
  void replace(float leaving, float entering);
  float median() const { return current()[size_ / 2]; }

 private:
  // Buffer b holds -inf, the sorted window, +inf up to a multiple of 8 slots, one more +inf. The
  // sentinels make the edges need no test, and the padding (which the update leaves at +inf)
  // lets the vectorised pass run whole vectors with no scalar tail.
  const float* current() const { return buffers_.data() + cur_ * (padded_ + 2) + 1; }
  float* buffer(std::size_t b) { return buffers_.data() + b * (padded_ + 2) + 1; }

  std::size_t size_, padded_;
  std::vector<float> buffers_;
  std::size_t cur_ = 0;
};

// Same result as median_filter_reference, in O(n * shift) with one SlidingMedian whose radius
// must equal `radius`. No allocation: the window is the caller's, reused across sequences.
void median_filter(StridedConst in, std::size_t n, std::size_t radius, Strided out,
                   SlidingMedian& window);

}  // namespace trackprint::dsp
