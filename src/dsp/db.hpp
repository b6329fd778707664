// Decibel conversions as librosa 0.11 computes them on float32 arrays (librosa.power_to_db,
// librosa.amplitude_to_db): every step in float32 like numpy does for a float32 array and a
// float32 (or Python float) reference, and top_db clipping against the GLOBAL maximum of the input.
#pragma once

#include <optional>
#include <span>
#include <vector>

namespace trackprint::dsp {

// librosa.power_to_db(S, ref=ref, amin=amin, top_db=top_db) for a float32 S:
// 10*log10(max(amin, S)) - 10*log10(max(amin, ref)), then max(x, max(x) - top_db).
// Writes in place (out may alias s).
void power_to_db(std::span<const float> s, std::span<float> out, float ref = 1.0f,
                 double amin = 1e-10, std::optional<double> top_db = 80.0);
std::vector<float> power_to_db(std::span<const float> s, float ref = 1.0f, double amin = 1e-10,
                               std::optional<double> top_db = 80.0);

// librosa.amplitude_to_db(S, ref=ref, amin=amin, top_db=top_db) for a float32 S and a float32
// ref (e.g. ref=np.max(S)): power_to_db(S**2, ref=ref**2, amin=amin**2, top_db=top_db).
// NOTE librosa's default top_db=80 clips everything below max - 80 dB.
std::vector<float> amplitude_to_db(std::span<const float> s, float ref = 1.0f, double amin = 1e-5,
                                   std::optional<double> top_db = 80.0);

}  // namespace trackprint::dsp
