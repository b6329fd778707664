// Fundamental frequency by YIN as librosa.yin (0.11): centred frames with zero padding,
// cumulative mean normalised difference, trough threshold, parabolic interpolation.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace trackprint::dsp {

// librosa.yin(y, fmin=fmin, fmax=fmax, sr=sr, frame_length=frame_length, hop_length=hop);
// one f0 (Hz) per frame.
std::vector<double> yin(std::span<const float> y, double sr, double fmin, double fmax,
                        std::size_t frame_length = 2048, std::size_t hop = 512);

}  // namespace trackprint::dsp
