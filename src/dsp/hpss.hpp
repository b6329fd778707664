// Harmonic/percussive separation as librosa.effects.hpss (0.11): decompose.hpss on the STFT
// (31-wide median filters of |S| across time and frequency, scipy "reflect" edges, soft masks,
// power 2, margin 1), then librosa.istft of each part. Only the two energies are kept, summed
// frame by frame as the istft completes samples: no spectrogram-sized buffer, no output signal.
#pragma once

#include <cstddef>
#include <span>

#include "dsp/stft.hpp"

namespace trackprint::dsp {

struct HpssEnergy {
  double harmonic = 0;    // sum(h**2) over the `length` samples of the harmonic signal
  double percussive = 0;  // sum(p**2)
};

// librosa.util.softmask(X, X_ref, power=2, split_zeros=True) for one bin, both ways at once
// (harmonic: X = H, X_ref = P * margin; percussive the other way round; margin 1), in float32 as
// librosa computes it. decompose.hpss passes split_zeros = (margin_harm == 1 and margin_perc ==
// 1), i.e. True for effects.hpss: where max(H, P) < FLT_MIN (np.finfo(float32).tiny) both are 0.5.
struct HpssMasks {
  float harmonic, percussive;
};
HpssMasks hpss_soft_masks(float harm, float perc);

// S = librosa.stft(y, n_fft=2*(n_bins-1), hop_length=hop) (centred), magnitude = abs(S) (same
// frame-major layout), length = len(y). h, p = librosa.effects.hpss(y); returns sum(h**2),
// sum(p**2) accumulated in double.
HpssEnergy hpss_energy(const Spectrogram& s, std::span<const float> magnitude, std::size_t hop,
                       std::size_t length);

}  // namespace trackprint::dsp
