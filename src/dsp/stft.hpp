// Short-time Fourier transform as librosa 0.11 computes it (librosa.stft): periodic Hann window,
// frames every `hop`, `center=True` pads n_fft/2 zeros on both sides. Like librosa, each frame is
// windowed and transformed in double precision and the result rounded to complex<float>.
// Spectrograms are frame-major: frame t occupies data[t*n_bins, (t+1)*n_bins).
#pragma once

#include <complex>
#include <cstddef>
#include <span>
#include <vector>

#include "dsp/fft.hpp"

namespace trackprint::dsp {

// scipy.signal.get_window("hann", n, fftbins=True): the periodic Hann window, in double.
std::vector<double> hann_window(std::size_t n);

// Number of frames librosa.stft gives for a signal of `length` samples.
std::size_t stft_frame_count(std::size_t length, std::size_t n_fft, std::size_t hop, bool center);

struct Spectrogram {
  std::size_t n_frames = 0;
  std::size_t n_bins = 0;  // n_fft / 2 + 1
  std::vector<std::complex<float>> data;

  std::span<const std::complex<float>> frame(std::size_t t) const {
    return {data.data() + t * n_bins, n_bins};
  }
  std::span<std::complex<float>> frame(std::size_t t) { return {data.data() + t * n_bins, n_bins}; }
};

// One frame at a time of librosa.stft(y, n_fft, hop, window="hann", center, pad_mode="constant"),
// for consumers that need per-frame values only (Welch averages) and not the whole matrix.
// Owns its FFT plan and buffers: make one per thread and reuse it.
class FrameTransform {
 public:
  FrameTransform(std::size_t n_fft, std::size_t hop, bool center);
  std::size_t n_bins() const { return n_fft_ / 2 + 1; }
  std::size_t frame_count(std::size_t length) const {
    return stft_frame_count(length, n_fft_, hop_, center_);
  }
  // Column t of the STFT of y into out (n_bins values).
  void transform(std::span<const float> y, std::size_t t, std::span<std::complex<float>> out);
  // The same for a frame already cut out of the (padded) signal: n_fft samples.
  void transform_frame(std::span<const float> frame, std::span<std::complex<float>> out);

 private:
  void finish_transform(std::span<std::complex<float>> out);  // FFT of input(), to complex64
  std::size_t n_fft_, hop_;
  bool center_;
  std::vector<double> window_;
  RealFft<double> fft_;
};

// librosa.stft(y, n_fft=n_fft, hop_length=hop, window="hann", center=center, pad_mode="constant").
// Requires y.size() >= n_fft when center is false.
Spectrogram stft(std::span<const float> y, std::size_t n_fft, std::size_t hop, bool center);

// |S| (np.abs of the complex64 matrix, rounded as numpy 2 rounds it), frame-major like S.
std::vector<float> magnitude(const Spectrogram& s);

}  // namespace trackprint::dsp
