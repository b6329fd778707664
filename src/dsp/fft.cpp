#include "dsp/fft.hpp"

#include <fftw3.h>

#include <algorithm>
#include <mutex>
#include <new>

namespace trackprint::dsp {
namespace {
std::mutex& planner_mutex() {
  static std::mutex m;
  return m;
}

// One traits struct per precision keeps the FFTW API's f-prefixed twin out of the class body.
template <class T>
struct Fftw;
template <>
struct Fftw<float> {
  static void* alloc_real(std::size_t n) { return fftwf_alloc_real(n); }
  static void* alloc_complex(std::size_t n) { return fftwf_alloc_complex(n); }
  static void free(void* p) { fftwf_free(p); }
  static void* plan_r2c(int n, float* in, std::complex<float>* out) {
    return fftwf_plan_dft_r2c_1d(n, in, reinterpret_cast<fftwf_complex*>(out), FFTW_ESTIMATE);
  }
  static void* plan_c2r(int n, std::complex<float>* in, float* out) {
    return fftwf_plan_dft_c2r_1d(n, reinterpret_cast<fftwf_complex*>(in), out, FFTW_ESTIMATE);
  }
  static void execute(void* p) { fftwf_execute(static_cast<fftwf_plan>(p)); }
  static void execute_r2c(void* p, float* in, std::complex<float>* out) {
    fftwf_execute_dft_r2c(static_cast<fftwf_plan>(p), in, reinterpret_cast<fftwf_complex*>(out));
  }
  static void execute_c2r(void* p, std::complex<float>* in, float* out) {
    fftwf_execute_dft_c2r(static_cast<fftwf_plan>(p), reinterpret_cast<fftwf_complex*>(in), out);
  }
  static int alignment(const void* p) {
    return fftwf_alignment_of(static_cast<float*>(const_cast<void*>(p)));
  }
  static void destroy(void* p) { fftwf_destroy_plan(static_cast<fftwf_plan>(p)); }
};
template <>
struct Fftw<double> {
  static void* alloc_real(std::size_t n) { return fftw_alloc_real(n); }
  static void* alloc_complex(std::size_t n) { return fftw_alloc_complex(n); }
  static void free(void* p) { fftw_free(p); }
  static void* plan_r2c(int n, double* in, std::complex<double>* out) {
    return fftw_plan_dft_r2c_1d(n, in, reinterpret_cast<fftw_complex*>(out), FFTW_ESTIMATE);
  }
  static void* plan_c2r(int n, std::complex<double>* in, double* out) {
    return fftw_plan_dft_c2r_1d(n, reinterpret_cast<fftw_complex*>(in), out, FFTW_ESTIMATE);
  }
  static void execute(void* p) { fftw_execute(static_cast<fftw_plan>(p)); }
  static void execute_r2c(void* p, double* in, std::complex<double>* out) {
    fftw_execute_dft_r2c(static_cast<fftw_plan>(p), in, reinterpret_cast<fftw_complex*>(out));
  }
  static void execute_c2r(void* p, std::complex<double>* in, double* out) {
    fftw_execute_dft_c2r(static_cast<fftw_plan>(p), reinterpret_cast<fftw_complex*>(in), out);
  }
  static int alignment(const void* p) {
    return fftw_alignment_of(static_cast<double*>(const_cast<void*>(p)));
  }
  static void destroy(void* p) { fftw_destroy_plan(static_cast<fftw_plan>(p)); }
};
}  // namespace

template <class T>
RealFft<T>::RealFft(std::size_t n) : n_(n) {
  in_ = static_cast<T*>(Fftw<T>::alloc_real(n));
  out_ = static_cast<std::complex<T>*>(Fftw<T>::alloc_complex(n / 2 + 1));
  if (in_ == nullptr || out_ == nullptr) throw std::bad_alloc();
  std::lock_guard lock(planner_mutex());
  // c2r destroys its input; both plans are made on these buffers, which never move.
  forward_plan_ = Fftw<T>::plan_r2c(static_cast<int>(n), in_, out_);
  inverse_plan_ = Fftw<T>::plan_c2r(static_cast<int>(n), out_, in_);
  if (forward_plan_ == nullptr || inverse_plan_ == nullptr) throw std::bad_alloc();
}

template <class T>
RealFft<T>::~RealFft() {
  {
    std::lock_guard lock(planner_mutex());
    Fftw<T>::destroy(forward_plan_);
    Fftw<T>::destroy(inverse_plan_);
  }
  Fftw<T>::free(in_);
  Fftw<T>::free(out_);
}

template <class T>
void RealFft<T>::forward() {
  Fftw<T>::execute(forward_plan_);
}

template <class T>
void RealFft<T>::inverse() {
  Fftw<T>::execute(inverse_plan_);
}

template <class T>
void RealFft<T>::forward(const T* in, std::complex<T>* out) {
  if (Fftw<T>::alignment(in) == Fftw<T>::alignment(in_) &&
      Fftw<T>::alignment(out) == Fftw<T>::alignment(out_)) {
    // An out-of-place r2c plan preserves its input (FFTW_PRESERVE_INPUT is its default).
    Fftw<T>::execute_r2c(forward_plan_, const_cast<T*>(in), out);
    return;
  }
  std::copy(in, in + n_, in_);
  forward();
  std::copy(out_, out_ + n_ / 2 + 1, out);
}

template <class T>
void RealFft<T>::inverse(std::complex<T>* in, T* out) {
  if (Fftw<T>::alignment(in) == Fftw<T>::alignment(out_) &&
      Fftw<T>::alignment(out) == Fftw<T>::alignment(in_)) {
    Fftw<T>::execute_c2r(inverse_plan_, in, out);
    return;
  }
  std::copy(in, in + n_ / 2 + 1, out_);
  inverse();
  std::copy(in_, in_ + n_, out);
}

template class RealFft<float>;
template class RealFft<double>;

}  // namespace trackprint::dsp
