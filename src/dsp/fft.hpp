// Real-input FFTs through FFTW. Plans are made with FFTW_ESTIMATE so that every run picks the
// same algorithm (and so the same last bits), and under one lock because FFTW's planner is not
// thread-safe. Execution is lock-free: each RealFft owns its buffers, one per thread.
#pragma once

#include <complex>
#include <cstddef>
#include <memory>

namespace trackprint::dsp {

// T is float or double. forward(): input() (n reals) -> output() (n/2+1 complex), unnormalised.
// inverse(): output() -> input(), unnormalised (divide by n yourself), like numpy's irfft * n.
template <class T>
class RealFft {
 public:
  explicit RealFft(std::size_t n);
  ~RealFft();
  RealFft(const RealFft&) = delete;
  RealFft& operator=(const RealFft&) = delete;

  std::size_t size() const { return n_; }
  T* input() { return in_; }
  std::complex<T>* output() { return out_; }
  void forward();
  void inverse();

 private:
  std::size_t n_;
  T* in_;
  std::complex<T>* out_;
  void* forward_plan_;
  void* inverse_plan_;
};

extern template class RealFft<float>;
extern template class RealFft<double>;

}  // namespace trackprint::dsp
