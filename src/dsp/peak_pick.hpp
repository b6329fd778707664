// Greedy peak picking as librosa 0.11 does it (librosa.util.peak_pick, the numba __peak_pick),
// including its special-cased first sample and its precision: window means are summed in float32
// left to right, divided in double and rounded to float32 (numba's np.mean), delta is a float32.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace trackprint::dsp {

struct PeakPickParams {
  std::size_t pre_max = 1;
  std::size_t post_max = 1;  // >= 1
  std::size_t pre_avg = 4;
  std::size_t post_avg = 5;  // >= 1
  float delta = 0.07f;
  std::size_t wait = 1;
};

// librosa.util.peak_pick(x, pre_max=..., post_max=..., pre_avg=..., post_avg=..., delta=...,
// wait=...) with sparse=True: indices n where x[n] == max(x[n-pre_max : n+post_max]),
// x[n] >= mean(x[n-pre_avg : n+post_avg]) + delta, and n is more than `wait` after the last peak.
std::vector<std::size_t> peak_pick(std::span<const float> x, const PeakPickParams& p);

}  // namespace trackprint::dsp
