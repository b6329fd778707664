// Tuning estimation as librosa 0.11's estimate_tuning(S=|stft|): piptrack's parabolic peak
// picking between fmin and fmax, peaks kept above the median peak magnitude, then pitch_tuning's
// histogram of deviations from equal temperament. Tuning is in fractions of a bin.
// Spectrograms are frame-major (frame t at [t*n_bins, (t+1)*n_bins)), n_bins = n_fft/2 + 1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace trackprint::dsp {

// librosa.estimate_tuning(S=magnitude, sr=sr, n_fft=n_fft, bins_per_octave=bins_per_octave) fed
// one |STFT| frame at a time, in order. Each frame's piptrack peaks are reduced on arrival to
// their magnitude and the histogram bin of their deviation (8 bytes a peak, ~1 MB for a
// 4-minute track); finish() applies the median gate and takes the histogram's argmax. The result
// is bit-identical to estimate_tuning on the whole matrix.
class TuningEstimator {
 public:
  TuningEstimator(std::size_t n_fft, double sr, int bins_per_octave);

  // One frame of np.abs(librosa.stft(y)) in float32: n_fft/2 + 1 values.
  void push(std::span<const float> magnitude_frame);
  // The tuning in fractions of a bin (resolution 0.01); 0.0 when no peak was found. Can be
  // called more than once; push() may go on afterwards.
  double finish();

  std::size_t frames() const { return n_frames_; }
  std::size_t peaks() const { return peaks_.size(); }  // piptrack peaks kept so far

 private:
  struct Peak {
    float mag;
    std::uint8_t bin;  // histogram bin of the deviation, kOutside when np.histogram drops it
  };
  void add_peak(const float* s, std::size_t k);

  std::size_t n_fft_, n_bins_;
  double sr_;
  float bpo_;
  std::size_t k_lo_ = 0, k_hi_ = 0, g_end_ = 0;  // peak bins [k_lo, k_hi); gating to g_end
  std::size_t n_frames_ = 0;
  std::vector<float> gated_;
  std::vector<std::uint32_t> peak_bins_;  // one frame's local maxima
  std::vector<Peak> peaks_;
};

// librosa.estimate_tuning(S=magnitude, sr=sr, n_fft=n_fft, bins_per_octave=bins_per_octave) with
// piptrack's defaults (fmin 150, fmax 4000, threshold 0.1 of each frame's maximum) and
// resolution 0.01. `magnitude` is np.abs(librosa.stft(y)) in float32. No peak at all gives 0.0.
// A wrapper over TuningEstimator.
double estimate_tuning(std::span<const float> magnitude, std::size_t n_frames, std::size_t n_fft,
                       double sr, int bins_per_octave);

// librosa.pitch_tuning(frequencies, resolution=0.01, bins_per_octave=bins_per_octave): the left
// edge of the most populated histogram bin of deviations; non-positive frequencies are ignored.
double pitch_tuning(std::span<const float> frequencies, int bins_per_octave);

}  // namespace trackprint::dsp
