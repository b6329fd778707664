// Real-input FFTs through FFTW. Every run must pick the same algorithm for a size (and so the
// same last bits), which rules out timing plans per process (FFTW_MEASURE picks by the clock).
// FFTW_ESTIMATE is deterministic but slower than timed plans for the sizes here (the float FFTs
// of a track take 0.82 of the time with them: docs/benchmarks.md), so plans come from wisdom made
// once with FFTW_MEASURE by bench/wisdom/run and built in (fftw_wisdom.inc), and from FFTW_ESTIMATE
// where FFTW does not take that wisdom (another FFTW build, a CPU without the codelets it names).
// They are made under one lock because FFTW's planner is not thread-safe, and once per size,
// precision and direction for the life of the process, when first used (shared by every RealFft of
// that size; a second thread would wait on the lock while the first planned a size it never
// transforms). Execution is lock-free: each RealFft owns its buffers, one per thread.
#pragma once

#include <complex>
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <type_traits>

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
  // The same transforms between other arrays (FFTW's new-array execute): the same plan, so the
  // same bits as copying them through input()/output(). Arrays aligned like fftw_malloc's (e.g.
  // from AlignedBuffer, or offsets from one by a multiple of 64 bytes) are used in place; others
  // are copied through the own buffers. forward() reads n values of `in` and leaves them alone;
  // inverse() overwrites `in`, as FFTW's c2r does. `in` and `out` must not overlap.
  void forward(const T* in, std::complex<T>* out);
  void inverse(std::complex<T>* in, T* out);

 private:
  // The process's plan for this size and direction, looked up on first use (not thread-safe
  // within one RealFft; distinct RealFfts may run on distinct threads).
  void* forward_plan();
  void* inverse_plan();
  std::size_t n_;
  T* in_;
  std::complex<T>* out_;
  void* forward_plan_ = nullptr;
  void* inverse_plan_ = nullptr;
};

// Zero-initialised storage aligned to 64 bytes, enough for any of FFTW's SIMD paths.
template <class T>
class AlignedBuffer {
  static_assert(std::is_trivially_copyable_v<T>, "all-zero bytes must be a valid T");

 public:
  AlignedBuffer() = default;
  explicit AlignedBuffer(std::size_t n) { resize(n); }
  // Reallocates (zeroed) only when n exceeds the capacity; otherwise the contents stay.
  void resize(std::size_t n) {
    if (n > capacity_) {
      void* p = ::operator new[](n * sizeof(T), std::align_val_t{64});
      std::memset(p, 0, n * sizeof(T));
      data_.reset(static_cast<T*>(p));
      capacity_ = n;
    }
    size_ = n;
  }
  T* data() { return data_.get(); }
  const T* data() const { return data_.get(); }
  std::size_t size() const { return size_; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }

 private:
  struct Free {
    void operator()(T* p) const { ::operator delete[](p, std::align_val_t{64}); }
  };
  std::unique_ptr<T[], Free> data_;
  std::size_t size_ = 0, capacity_ = 0;
};

// Whether FFTW took the built-in wisdom (both precisions). False with another FFTW version or
// configuration than the one it was made with, or on an x86 CPU without AVX2: plans are then
// FFTW_ESTIMATE's, and bits differ.
bool built_in_fft_wisdom_accepted();

// For bench/wisdom, which remakes fftw_wisdom.inc: plan with FFTW_MEASURE from now on, either
// from nothing or from the built-in wisdom (whose plans FFTW then reuses, so that only the sizes
// it lacks are timed and every other plan keeps its bits). Call before the first transform of
// the process.
enum class WisdomStart { empty, built_in };
void plan_ffts_by_measuring(WisdomStart start = WisdomStart::empty);

// The wisdom FFTW holds now, in its text format, per precision.
struct FftWisdom {
  std::string float_wisdom, double_wisdom;
};
FftWisdom fft_wisdom();

extern template class RealFft<float>;
extern template class RealFft<double>;

}  // namespace trackprint::dsp
