// Constant-Q chroma as librosa.feature.chroma_cqt (0.11) with the tuning librosa.estimate_tuning
// finds: CQT from C1, 7 octaves of 36 bins, hop 512, per-octave soxr_hq decimation, folded to
// 12 pitch classes, each frame scaled to max 1.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace trackprint::dsp {

// librosa.estimate_tuning(S=magnitude, sr=sr, n_fft=n_fft, bins_per_octave=bins_per_octave)
// (piptrack on the magnitude of the shared STFT), in fractions of a bin.
double estimate_tuning(std::span<const float> magnitude, std::size_t n_frames, std::size_t n_fft,
                       double sr, int bins_per_octave);

// librosa.feature.chroma_cqt(y=y, sr=sr, tuning=tuning): 12 values per frame, frame-major.
std::vector<float> chroma_cqt(std::span<const float> y, double sr, double tuning);

}  // namespace trackprint::dsp
