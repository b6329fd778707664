// Per-frame spectral shape as librosa 0.11 computes it from a magnitude spectrogram S = |STFT|
// (librosa.feature.spectral_centroid, spectral_rolloff, spectral_flatness with S=...): numpy's
// dtypes and summation order for an F-ordered S (pairwise along frequency, cumsum sequential).
// One frame is n_fft/2 + 1 float32 magnitudes; the object owns scratch space, one per thread.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace trackprint::dsp {

class SpectralShape {
 public:
  SpectralShape(double sr, std::size_t n_fft);

  // spectral_centroid(S=S, sr=sr) of one frame: sum(freq * util.normalize(S, norm=1)), where the
  // normalised column is stored as float32 and a column summing below tiny(float32) is left as is.
  double centroid(std::span<const float> mag);

  // spectral_rolloff(S=S, sr=sr, roll_percent=p) of one frame: the first bin frequency whose
  // float32 cumulative sum reaches float32(p) * total.
  double rolloff(std::span<const float> mag, double roll_percent = 0.85);

  // spectral_flatness(S=S, amin=amin, power=power) of one frame, in float32:
  // exp(mean(log(max(amin, S**power)))) / mean(max(amin, S**power)); the mean of logs is taken
  // in double (see spectral.cpp), within ~2e-6 relative of librosa's float32 value.
  float flatness(std::span<const float> mag, double amin = 1e-10, double power = 2.0);

  const std::vector<double>& frequencies() const { return freq_; }

 private:
  std::vector<double> freq_;
  std::vector<double> scratch_d_;
  std::vector<float> scratch_f_;
};

}  // namespace trackprint::dsp
