// A series pooled for a page: consecutive values merged (their least, greatest or mean) so that
// at most `max_points` remain, whatever the track's length; the page draws what it is given.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace trackprint::report {

enum class Pool { min, max, mean };

struct DisplaySeries {
  std::vector<float> values;
  double rate = 0;  // values per second after pooling
};

// `values` at `rate` per second, `factor` = ceil(size / max_points) of them merged into each.
// NaN values are left out of a merge (a merge of only NaN is NaN).
template <class T>
DisplaySeries pooled(std::span<const T> values, double rate, std::size_t max_points, Pool how);

// The same for `width` interleaved series (e.g. 12 chroma classes per frame): frames are merged.
std::vector<float> pooled_frames(std::span<const float> frames, std::size_t width,
                                 std::size_t max_frames, std::size_t& frames_out);

}  // namespace trackprint::report
