// Mel filterbank and mel power spectrogram as librosa 0.11 builds them (librosa.filters.mel with
// htk=False, norm="slaney", dtype float32; librosa.feature.melspectrogram's einsum). Each band is
// stored sparsely (only its nonzero FFT bins) so applying the bank costs O(nonzero weights).
// Spectrograms are frame-major: frame t of a matrix with n rows per frame is data[t*n, (t+1)*n).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace trackprint::dsp {

// np.fft.rfftfreq(n_fft, 1/sr) as librosa.fft_frequencies computes it (k * (1 / (n_fft / sr))).
std::vector<double> fft_frequencies(double sr, std::size_t n_fft);

// librosa.mel_frequencies(n, fmin=fmin, fmax=fmax, htk=False): Slaney mel scale, in Hz.
std::vector<double> mel_frequencies(std::size_t n, double fmin, double fmax);

// librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=False,
// norm="slaney", dtype=np.float32), kept as one run of nonzero weights per band.
class MelFilterbank {
 public:
  MelFilterbank(double sr, std::size_t n_fft, std::size_t n_mels, double fmin, double fmax);

  std::size_t n_mels() const { return first_.size(); }
  std::size_t n_bins() const { return n_bins_; }
  // The dense (n_mels x n_bins) float32 matrix, row-major, for tests and checks.
  std::vector<float> dense() const;

  // One frame of librosa.feature.melspectrogram(S=power): out[m] = sum_k w[m,k] * power[k].
  // librosa's einsum runs in float32 BLAS; here each dot product is accumulated in double and
  // rounded once to float32, which agrees with it to float32 rounding.
  void apply(std::span<const float> power, std::span<float> out) const;
  // The same for `count` consecutive frames (power: count x n_bins, out: count x n_mels, both
  // frame-major), with identical results; four frames run side by side for speed.
  void apply(std::span<const float> power, std::span<float> out, std::size_t count) const;

 private:
  std::size_t n_bins_;
  std::vector<std::size_t> first_;   // first nonzero bin of band m
  std::vector<std::size_t> offset_;  // start of band m's weights in weights_ (n_mels + 1 entries)
  std::vector<float> weights_;
};

}  // namespace trackprint::dsp
