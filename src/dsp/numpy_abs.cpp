// The batch numpy_abs, compiled once per instruction set by Highway (foreach_target) and picked
// at run time; every target gives the bits of the scalar reference in numpy_abs.hpp.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "dsp/numpy_abs.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "dsp/numpy_abs.hpp"

HWY_BEFORE_NAMESPACE();
namespace trackprint::dsp {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Lanes(dd) values at a time: the ratio in float, r * r + 1 in double (exact: r * r has 48
// bits), rounded to float, its correctly rounded sqrt times the larger part.
void NumpyAbs(const std::complex<float>* HWY_RESTRICT z, float* HWY_RESTRICT out, std::size_t n) {
  const hn::ScalableTag<double> dd;
  const hn::Rebind<float, decltype(dd)> d;
  const std::size_t w = hn::Lanes(dd);
  const float* p = reinterpret_cast<const float*>(z);
  const auto flt_max = hn::Set(d, FLT_MAX);
  const auto zero = hn::Zero(d);
  const auto one = hn::Set(dd, 1.0);
  std::size_t i = 0;
  for (; i + w <= n; i += w) {
    hn::Vec<decltype(d)> re, im;
    hn::LoadInterleaved2(d, p + 2 * i, re, im);
    re = hn::Abs(re);
    im = hn::Abs(im);
    // An infinity or a NaN in either part: the scalar reference decides.
    if (!hn::AllTrue(d, hn::And(hn::Le(re, flt_max), hn::Le(im, flt_max)))) {
      for (std::size_t j = i; j < i + w; ++j) out[j] = numpy_abs(z[j]);
      continue;
    }
    const auto re_larger = hn::Gt(re, im);
    const auto larger = hn::IfThenElse(re_larger, re, im);
    const auto smaller = hn::IfThenElse(re_larger, im, re);
    const auto r = hn::PromoteTo(dd, hn::Div(smaller, larger));
    const auto s = hn::DemoteTo(d, hn::Add(hn::Mul(r, r), one));
    // larger == 0: 0 (the division gave NaN there).
    hn::StoreU(hn::IfThenZeroElse(hn::Eq(larger, zero), hn::Mul(hn::Sqrt(s), larger)), d, out + i);
  }
  for (; i < n; ++i) out[i] = numpy_abs(z[i]);
}

}  // namespace HWY_NAMESPACE
}  // namespace trackprint::dsp
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace trackprint::dsp {
HWY_EXPORT(NumpyAbs);

void numpy_abs(const std::complex<float>* z, float* out, std::size_t n) {
  HWY_DYNAMIC_DISPATCH(NumpyAbs)(z, out, n);
}

}  // namespace trackprint::dsp
#endif  // HWY_ONCE
