#include "dsp/fft.hpp"

#include <fftw3.h>
#include <hwy/targets.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <new>
#include <string>
#include <utility>

#include "dsp/fftw_wisdom.inc"

namespace trackprint::dsp {
namespace {
std::mutex& planner_mutex() {
  static std::mutex m;
  return m;
}

// How plans are made; read and changed under planner_mutex().
struct Planning {
  bool measure = false;          // plan_ffts_by_measuring() was called
  bool measure_beyond = false;   // with WisdomStart::built_in: the built-in plans are kept
  bool wisdom_tried = false;     // the built-in wisdom was offered to FFTW (once, before any plan)
  bool wisdom_accepted = false;  // and FFTW took both precisions' wisdom
};
Planning& planning() {
  static Planning p;
  return p;
}

// Called under planner_mutex() before each plan. FFTW refuses wisdom made by another FFTW
// version or configuration as a whole (its header carries the planner's signature), and then
// plans with FFTW_ESTIMATE. The wisdom names AVX codelets: on a CPU without them FFTW would
// meet an inapplicable entry in the middle of some plan and forget all its wisdom from then on,
// so that plans would depend on which size a thread planned first. Such a CPU is not offered
// the wisdom at all (Highway's AVX2 target implies AVX).
void offer_built_in_wisdom() {
  Planning& p = planning();
  if (p.wisdom_tried || (p.measure && !p.measure_beyond)) return;
  p.wisdom_tried = true;
#if HWY_ARCH_X86
  if ((hwy::SupportedTargets() & HWY_AVX2) == 0) return;
#endif
  const bool f = fftwf_import_wisdom_from_string(kFftwFloatWisdom) != 0;
  const bool d = fftw_import_wisdom_from_string(kFftwDoubleWisdom) != 0;
  p.wisdom_accepted = f && d;
}

unsigned planner_flags() {
  return planning().measure ? FFTW_MEASURE : FFTW_ESTIMATE;
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
    return fftwf_plan_dft_r2c_1d(n, in, reinterpret_cast<fftwf_complex*>(out), planner_flags());
  }
  static void* plan_c2r(int n, std::complex<float>* in, float* out) {
    return fftwf_plan_dft_c2r_1d(n, reinterpret_cast<fftwf_complex*>(in), out, planner_flags());
  }
  static void execute_r2c(void* p, float* in, std::complex<float>* out) {
    fftwf_execute_dft_r2c(static_cast<fftwf_plan>(p), in, reinterpret_cast<fftwf_complex*>(out));
  }
  static void execute_c2r(void* p, std::complex<float>* in, float* out) {
    fftwf_execute_dft_c2r(static_cast<fftwf_plan>(p), reinterpret_cast<fftwf_complex*>(in), out);
  }
  static int alignment(const void* p) {
    return fftwf_alignment_of(static_cast<float*>(const_cast<void*>(p)));
  }
};
template <>
struct Fftw<double> {
  static void* alloc_real(std::size_t n) { return fftw_alloc_real(n); }
  static void* alloc_complex(std::size_t n) { return fftw_alloc_complex(n); }
  static void free(void* p) { fftw_free(p); }
  static void* plan_r2c(int n, double* in, std::complex<double>* out) {
    return fftw_plan_dft_r2c_1d(n, in, reinterpret_cast<fftw_complex*>(out), planner_flags());
  }
  static void* plan_c2r(int n, std::complex<double>* in, double* out) {
    return fftw_plan_dft_c2r_1d(n, reinterpret_cast<fftw_complex*>(in), out, planner_flags());
  }
  static void execute_r2c(void* p, double* in, std::complex<double>* out) {
    fftw_execute_dft_r2c(static_cast<fftw_plan>(p), in, reinterpret_cast<fftw_complex*>(out));
  }
  static void execute_c2r(void* p, std::complex<double>* in, double* out) {
    fftw_execute_dft_c2r(static_cast<fftw_plan>(p), reinterpret_cast<fftw_complex*>(in), out);
  }
  static int alignment(const void* p) {
    return fftw_alignment_of(static_cast<double*>(const_cast<void*>(p)));
  }
};

// Plans by size and direction, made once per process, when first executed, and kept: planning a
// size costs as much as a few hundred of its transforms (0.3 to 2.6 ms here; most sizes are
// only ever transformed one way). A plan is made on arrays of its own, kept with it, and every
// RealFft executes it on its own fftw_malloc'd buffers through the new-array interface, which
// the alignment of fftw_malloc makes valid. The plan of a size is the built-in wisdom's where FFTW
// takes it, else FFTW_ESTIMATE's; both are deterministic, so a kept plan is the plan a fresh
// one would be: the same bits.
enum class Direction { forward, inverse };

template <class T>
void* plan_for(std::size_t n, Direction direction) {
  // Never destroyed: plans may be executed until the very end (and stay reachable for LSan).
  static auto* const cache = new std::map<std::pair<std::size_t, Direction>, void*>;
  std::lock_guard lock(planner_mutex());
  if (auto it = cache->find({n, direction}); it != cache->end()) return it->second;
  offer_built_in_wisdom();
  auto* in = static_cast<T*>(Fftw<T>::alloc_real(n));
  auto* out = static_cast<std::complex<T>*>(Fftw<T>::alloc_complex(n / 2 + 1));
  if (in == nullptr || out == nullptr) throw std::bad_alloc();
  void* plan = direction == Direction::forward ? Fftw<T>::plan_r2c(static_cast<int>(n), in, out)
                                               : Fftw<T>::plan_c2r(static_cast<int>(n), out, in);
  if (plan == nullptr) throw std::bad_alloc();
  cache->emplace(std::pair{n, direction}, plan);  // the planning arrays stay with the plan
  return plan;
}

}  // namespace

void plan_ffts_by_measuring(WisdomStart start) {
  std::lock_guard lock(planner_mutex());
  planning().measure = true;
  planning().measure_beyond = start == WisdomStart::built_in;
}

bool built_in_fft_wisdom_accepted() {
  std::lock_guard lock(planner_mutex());
  offer_built_in_wisdom();
  return planning().wisdom_accepted;
}

FftWisdom fft_wisdom() {
  std::lock_guard lock(planner_mutex());
  FftWisdom w;
  char* f = fftwf_export_wisdom_to_string();
  char* d = fftw_export_wisdom_to_string();
  if (f != nullptr) w.float_wisdom = f;
  if (d != nullptr) w.double_wisdom = d;
  std::free(f);  // FFTW allocates the strings with malloc
  std::free(d);
  return w;
}

template <class T>
RealFft<T>::RealFft(std::size_t n) : n_(n) {
  in_ = static_cast<T*>(Fftw<T>::alloc_real(n));
  out_ = static_cast<std::complex<T>*>(Fftw<T>::alloc_complex(n / 2 + 1));
  if (in_ == nullptr || out_ == nullptr) throw std::bad_alloc();
}

template <class T>
void* RealFft<T>::forward_plan() {
  if (forward_plan_ == nullptr) forward_plan_ = plan_for<T>(n_, Direction::forward);
  return forward_plan_;
}

template <class T>
void* RealFft<T>::inverse_plan() {
  if (inverse_plan_ == nullptr) inverse_plan_ = plan_for<T>(n_, Direction::inverse);
  return inverse_plan_;
}

template <class T>
RealFft<T>::~RealFft() {
  Fftw<T>::free(in_);
  Fftw<T>::free(out_);
}

template <class T>
void RealFft<T>::forward() {
  Fftw<T>::execute_r2c(forward_plan(), in_, out_);
}

template <class T>
void RealFft<T>::inverse() {
  Fftw<T>::execute_c2r(inverse_plan(), out_, in_);
}

template <class T>
void RealFft<T>::forward(const T* in, std::complex<T>* out) {
  if (Fftw<T>::alignment(in) == Fftw<T>::alignment(in_) &&
      Fftw<T>::alignment(out) == Fftw<T>::alignment(out_)) {
    // An out-of-place r2c plan preserves its input (FFTW_PRESERVE_INPUT is its default).
    Fftw<T>::execute_r2c(forward_plan(), const_cast<T*>(in), out);
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
    Fftw<T>::execute_c2r(inverse_plan(), in, out);
    return;
  }
  std::copy(in, in + n_ / 2 + 1, out_);
  inverse();
  std::copy(in_, in_ + n_, out);
}

template class RealFft<float>;
template class RealFft<double>;

}  // namespace trackprint::dsp
