// np.abs of complex values exactly as numpy 2.x computes it. Its SIMD loop
// (loops_unary_complex.dispatch) does not call hypot: it takes larger * sqrt(fma(r, r, 1)) with
// r = smaller / larger, which differs from the correctly rounded hypotf in ~3 % of complex64
// values by one ulp. Use it wherever a float32 magnitude feeds a threshold, sort or peak pick.
#pragma once

#include <cfloat>
#include <cmath>
#include <complex>
#include <cstddef>

namespace trackprint::dsp {

// complex64 -> float32 (the scalar reference). The fma is done in double, where r * r (48 bits) is
// exact; the double rounding of the sum that could remain was never observed on 2e6 random values
// against numpy.
inline float numpy_abs(std::complex<float> z) {
  const float re = std::fabs(z.real());
  const float im = std::fabs(z.imag());
  if (std::isinf(re) || std::isinf(im)) return HUGE_VALF;
  if (std::isnan(re) || std::isnan(im)) return NAN;
  const float larger = re > im ? re : im;
  const float smaller = re > im ? im : re;
  if (larger == 0.0f) return 0.0f;
  const auto r = static_cast<double>(smaller / larger);
  return std::sqrt(static_cast<float>(r * r + 1.0)) * larger;
}

// numpy_abs of n complex64 values into out, a SIMD vector at a time (dsp/numpy_abs.cpp): the
// same IEEE operations in the same order (max/min of the two non-negative parts, float division,
// the double r*r + 1, correctly rounded sqrt), so the same bits as the scalar function above,
// which is the reference; blocks holding an infinity or a NaN go through it.
void numpy_abs(const std::complex<float>* z, float* out, std::size_t n);

// complex128 -> float64, the same formula with a true fma.
inline double numpy_abs(std::complex<double> z) {
  const double re = std::fabs(z.real());
  const double im = std::fabs(z.imag());
  if (std::isinf(re) || std::isinf(im)) return HUGE_VAL;
  if (std::isnan(re) || std::isnan(im)) return NAN;
  const double larger = re > im ? re : im;
  const double smaller = re > im ? im : re;
  if (larger == 0.0) return 0.0;
  const double r = smaller / larger;
  return std::sqrt(std::fma(r, r, 1.0)) * larger;
}

}  // namespace trackprint::dsp
