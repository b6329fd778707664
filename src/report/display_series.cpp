#include "report/display_series.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace trackprint::report {
namespace {

std::size_t factor_for(std::size_t n, std::size_t max_points) {
  if (max_points == 0) return n == 0 ? 1 : n;
  return std::max<std::size_t>(1, (n + max_points - 1) / max_points);
}

}  // namespace

template <class T>
DisplaySeries pooled(std::span<const T> values, double rate, std::size_t max_points, Pool how) {
  const std::size_t factor = factor_for(values.size(), max_points);
  DisplaySeries out;
  out.rate = rate / static_cast<double>(factor);
  for (std::size_t at = 0; at < values.size(); at += factor) {
    const std::size_t end = std::min(values.size(), at + factor);
    double acc = how == Pool::min   ? std::numeric_limits<double>::infinity()
                 : how == Pool::max ? -std::numeric_limits<double>::infinity()
                                    : 0.0;
    std::size_t count = 0;
    for (std::size_t i = at; i < end; ++i) {
      const auto v = static_cast<double>(values[i]);
      if (std::isnan(v)) continue;
      acc = how == Pool::min ? std::min(acc, v) : how == Pool::max ? std::max(acc, v) : acc + v;
      ++count;
    }
    if (count == 0) {
      out.values.push_back(std::numeric_limits<float>::quiet_NaN());
    } else {
      out.values.push_back(
          static_cast<float>(how == Pool::mean ? acc / static_cast<double>(count) : acc));
    }
  }
  return out;
}

template DisplaySeries pooled(std::span<const float>, double, std::size_t, Pool);
template DisplaySeries pooled(std::span<const double>, double, std::size_t, Pool);
template DisplaySeries pooled(std::span<const std::uint8_t>, double, std::size_t, Pool);

std::vector<float> pooled_frames(std::span<const float> frames, std::size_t width,
                                 std::size_t max_frames, std::size_t& frames_out) {
  const std::size_t n = width == 0 ? 0 : frames.size() / width;
  const std::size_t factor = factor_for(n, max_frames);
  std::vector<float> out;
  frames_out = 0;
  for (std::size_t at = 0; at < n; at += factor, ++frames_out) {
    const std::size_t end = std::min(n, at + factor);
    for (std::size_t k = 0; k < width; ++k) {
      double sum = 0;
      for (std::size_t t = at; t < end; ++t) sum += static_cast<double>(frames[t * width + k]);
      out.push_back(static_cast<float>(sum / static_cast<double>(end - at)));
    }
  }
  return out;
}

}  // namespace trackprint::report
