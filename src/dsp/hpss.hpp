// Harmonic/percussive separation as librosa.effects.hpss (librosa.decompose.hpss on the STFT):
// 31-wide median filters (harmonic across time, percussive across frequency, scipy "reflect"
// edges), soft masks with power 2 and margin 1, both parts inverted with librosa.istft.
#pragma once

#include <cstddef>
#include <span>

#include "dsp/stft.hpp"

namespace trackprint::dsp {

struct HpssEnergy {
  double harmonic = 0;    // sum(h**2) over the `length` samples of the harmonic signal
  double percussive = 0;  // sum(p**2)
};

// S = librosa.stft(y), magnitude = abs(S); length = len(y).
HpssEnergy hpss_energy(const Spectrogram& s, std::span<const float> magnitude, std::size_t length);

}  // namespace trackprint::dsp
