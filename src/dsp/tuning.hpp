// Tuning estimation as librosa 0.11's estimate_tuning(S=|stft|): piptrack's parabolic peak
// picking between fmin and fmax, peaks kept above the median peak magnitude, then pitch_tuning's
// histogram of deviations from equal temperament. Tuning is in fractions of a bin.
// Spectrograms are frame-major (frame t at [t*n_bins, (t+1)*n_bins)), n_bins = n_fft/2 + 1.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace trackprint::dsp {

// librosa.estimate_tuning(S=magnitude, sr=sr, n_fft=n_fft, bins_per_octave=bins_per_octave) with
// piptrack's defaults (fmin 150, fmax 4000, threshold 0.1 of each frame's maximum) and
// resolution 0.01. `magnitude` is np.abs(librosa.stft(y)) in float32. No peak at all gives 0.0.
double estimate_tuning(std::span<const float> magnitude, std::size_t n_frames, std::size_t n_fft,
                       double sr, int bins_per_octave);

// librosa.pitch_tuning(frequencies, resolution=0.01, bins_per_octave=bins_per_octave): the left
// edge of the most populated histogram bin of deviations; non-positive frequencies are ignored.
double pitch_tuning(std::span<const float> frequencies, int bins_per_octave);

}  // namespace trackprint::dsp
