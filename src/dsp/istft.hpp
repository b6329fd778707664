// Inverse STFT as librosa.istft (0.11) for window="hann", win_length = n_fft, in librosa's dtypes:
// float32 irfft per frame, float64 window, float32 overlap-add in frame order, divided by the
// float32 window_sumsquare where it exceeds FLT_MIN. Streaming: frames in, finished samples out,
// so a caller that needs only, say, the output's energy never holds the whole signal.
#pragma once

#include <complex>
#include <cstddef>
#include <span>
#include <vector>

#include "dsp/fft.hpp"
#include "dsp/stft.hpp"

namespace trackprint::dsp {

class InverseStft {
 public:
  // For a spectrogram of `stft_frames` frames (n_fft/2+1 bins each) made with this n_fft, hop and
  // center. `length` is librosa's length= argument: the output has exactly that many samples;
  // 0 means None (as librosa's `if length:`), i.e. what the frames cover.
  InverseStft(std::size_t n_fft, std::size_t hop, std::size_t stft_frames, std::size_t length,
              bool center);
  // The same before the spectrogram's extent is known (frames as they are made): push them,
  // then set_extent() and finish(). Until then nothing past the frames so far is emitted, so
  // the samples come out as with the extent given up front.
  InverseStft(std::size_t n_fft, std::size_t hop, bool center);
  void set_extent(std::size_t stft_frames, std::size_t length);  // once, before finish()

  // Frames that contribute, librosa's n_frames: with a length, only the first
  // ceil(padded_length / hop); push exactly this many. kUnknown until the extent is known.
  static constexpr std::size_t kUnknown = static_cast<std::size_t>(-1);
  std::size_t frame_count() const { return n_frames_; }
  // Samples of the output signal (kUnknown until the extent is known).
  std::size_t length() const { return length_; }

  // Add frame t (t = 0, 1, ... in order). Returns the output samples this frame completed, the
  // next ones in order after those returned before; valid until the next call.
  std::span<const float> push(std::span<const std::complex<float>> bins);
  // The same without a copy: write frame t's n_fft/2+1 bins to frame_input(), then push_input().
  std::complex<float>* frame_input() { return fft_.output(); }
  std::span<const float> push_input();
  // After the last push: the remaining samples up to length().
  std::span<const float> finish();

 private:
  float window_sumsquare(std::size_t m) const;  // at padded position m
  void emit_until(std::size_t m_end);           // move final positions [emitted, m_end) to out_

  std::size_t n_fft_, hop_, offset_;
  std::size_t n_frames_ = kUnknown, length_ = kUnknown;
  std::size_t steady_end_ = kUnknown;  // n_frames * hop: past it, fewer frames overlap
  std::size_t out_end_ = kUnknown;     // offset + length: padded position where output ends
  std::vector<double> window_;         // periodic Hann, float64 as scipy.signal.get_window
  std::vector<double> window_sq_;      // window**2 in float64, as window_sumsquare squares it
  std::vector<float>
      wss_steady_;  // window_sumsquare where every overlapping frame exists, by m % hop
  std::vector<float> wss_divisor_;  // wss_steady_, or 1 where librosa does not divide
  RealFft<float> fft_;
  // float32 overlap-add buffer: acc_[pos_ + i] is padded position base_ + i; everything past the
  // last frame's end is zero. pos_ moves up a hop a frame, back to 0 when the buffer is full.
  std::vector<float> acc_;
  std::vector<float> out_;
  std::size_t frames_pushed_ = 0;
  std::size_t base_ = 0;  // padded position of acc_[pos_]
  std::size_t pos_ = 0;
  std::size_t emitted_ = 0;  // padded positions before this are out
};

// librosa.istft(S, hop_length=hop, n_fft=2*(n_bins-1), window="hann", center=center,
// length=length or None), whole signal at once.
std::vector<float> istft(const Spectrogram& s, std::size_t hop, std::size_t length, bool center);

}  // namespace trackprint::dsp
