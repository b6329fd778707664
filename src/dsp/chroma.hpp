// Constant-Q chroma as librosa.feature.chroma_cqt (0.11) with the tuning librosa.estimate_tuning
// finds: CQT from C1, 7 octaves of 36 bins, hop 512, per-octave soxr_hq decimation (cqt.hpp),
// folded to 12 pitch classes by filters.cq_to_chroma, each frame scaled to max 1.
// Chromagrams are frame-major: frame t occupies [t*12, (t+1)*12), pitch class 0 = C.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "dsp/cqt.hpp"
#include "dsp/tuning.hpp"  // estimate_tuning: chroma_cqt's tuning when none is given

namespace trackprint::dsp {

inline constexpr std::size_t kChromaBins = 12;

// filters.cq_to_chroma(n_input, bins_per_octave, n_chroma=12, fmin=C1): row-major 12 x n_input
// float32 matrix of 0/1 weights (each CQT bin belongs to exactly one pitch class; with 36 bins
// per octave the class of C takes the bins a third of a semitone either side of C).
std::vector<float> cq_to_chroma(std::size_t n_input, std::size_t bins_per_octave);

// chroma_cqt's fold of a CQT magnitude (frame-major, n_frames x n_bins): cq_to_chroma, then
// threshold 0 and util.normalize(norm=inf) per frame (frames whose max is below float32 tiny are
// left as they are, i.e. all zero).
std::vector<float> chroma_from_cqt(std::span<const float> cqt, std::size_t n_frames,
                                   std::size_t n_bins, std::size_t bins_per_octave);

// chroma_cqt's CQT (C1, 7 octaves of 36 bins, hop 512) for one (sr, tuning), built once per
// process and shared: a ConstantQ is immutable.
std::shared_ptr<const ConstantQ> chroma_kernels(double sr, double tuning);
// The octave layout of chroma_cqt's CQT for a tuning not yet known (that of tuning 0, which the
// kernels of any tuning nearly always share; compare it with their layout()).
OctaveLayout chroma_octave_layout(double sr);
inline constexpr std::size_t kChromaBinsPerOctave = 36;

// librosa.feature.chroma_cqt(y=y, sr=sr, tuning=tuning): 12 values per frame, frame-major.
std::vector<float> chroma_cqt(std::span<const float> y, double sr, double tuning);

}  // namespace trackprint::dsp
