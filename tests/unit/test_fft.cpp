// RealFft's new-array execute against its own-buffer transforms: the same plan, the same bits,
// whether the arrays are aligned like FFTW's (used in place) or not (copied through).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dsp/fft.hpp"

namespace trackprint {
namespace {

template <class T>
void check_new_array(std::size_t n) {
  dsp::RealFft<T> fft(n);
  const std::size_t n_out = n / 2 + 1;
  dsp::AlignedBuffer<T> signal(n + 8);
  for (std::size_t i = 0; i < signal.size(); ++i) {
    signal[i] =
        static_cast<T>(std::sin(0.37 * static_cast<double>(i)) + 0.01 * static_cast<double>(i % 7));
  }
  for (std::size_t offset : {std::size_t{0}, std::size_t{1}, std::size_t{8}}) {
    const T* x = signal.data() + offset;
    std::copy(x, x + n, fft.input());
    fft.forward();
    const std::vector<std::complex<T>> want(fft.output(), fft.output() + n_out);
    dsp::AlignedBuffer<std::complex<T>> got(n_out + 1);
    fft.forward(x, got.data());
    for (std::size_t k = 0; k < n_out; ++k) ASSERT_EQ(got[k], want[k]) << offset << " " << k;
    EXPECT_EQ(signal[offset], x[0]);  // r2c leaves its input alone
    // Misaligned output.
    fft.forward(x, got.data() + 1);
    for (std::size_t k = 0; k < n_out; ++k) ASSERT_EQ(got[k + 1], want[k]);

    // inverse(in, out) against inverse() through the own buffers.
    std::copy(want.begin(), want.end(), fft.output());
    fft.inverse();
    const std::vector<T> back(fft.input(), fft.input() + n);
    dsp::AlignedBuffer<std::complex<T>> spec(n_out);
    std::copy(want.begin(), want.end(), spec.data());
    dsp::AlignedBuffer<T> out(n + 1);
    fft.inverse(spec.data(), out.data() + (offset == 0 ? 0 : 1));
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(out[i + (offset == 0 ? 0 : 1)], back[i]);
  }
}

TEST(RealFft, NewArrayExecuteIsBitIdentical) {
  check_new_array<float>(4096);
  check_new_array<double>(1024);
  check_new_array<double>(8192);
  check_new_array<float>(30);
}

TEST(AlignedBuffer, ZeroedAndAligned) {
  dsp::AlignedBuffer<double> b(100);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b.data()) % 64, 0u);
  for (std::size_t i = 0; i < b.size(); ++i) EXPECT_EQ(b[i], 0.0);
  b[3] = 1.0;
  b.resize(50);  // no reallocation: contents stay
  EXPECT_EQ(b[3], 1.0);
  EXPECT_EQ(b.size(), 50u);
}

}  // namespace
}  // namespace trackprint
