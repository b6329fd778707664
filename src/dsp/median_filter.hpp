// Exact running medians along one axis, as scipy.ndimage.median_filter computes them with an
// odd window of 2*radius+1 samples on that axis (size 1 on the others) and mode="reflect"
// (d c b a | a b c d | d c b a: the edge sample is repeated). Sequences are strided views so one
// routine serves both axes of a frame-major spectrogram. float only: HPSS filters |S| (float32).
#pragma once

#include <cstddef>

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

// The reference: out[k] = median of in[reflect(k - radius .. k + radius)], each window gathered
// and partially sorted from scratch. O(n * window); obviously correct; what the lane kernels
// (dsp/lane_median.hpp, HPSS's medians) are tested against.
void median_filter_reference(StridedConst in, std::size_t n, std::size_t radius, Strided out);

}  // namespace trackprint::dsp
