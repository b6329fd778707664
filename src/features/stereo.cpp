// stereo_width and phase_correlation (spec §Stereo) on L and R at 22050 Hz; sums in double.
#include <algorithm>
#include <cmath>

#include "features/families.hpp"

namespace trackprint::features {
namespace {

double stereo_width(std::span<const float> l, std::span<const float> r) {
  double mid = 0;
  double side = 0;
  for (std::size_t i = 0; i < l.size(); ++i) {
    const double m = (static_cast<double>(l[i]) + static_cast<double>(r[i])) / 2.0;
    const double s = (static_cast<double>(l[i]) - static_cast<double>(r[i])) / 2.0;
    mid += m * m;
    side += s * s;
  }
  return (mid + side) > 0 ? side / (mid + side) : 0.0;
}

// Pearson correlation; means are removed first (two passes) so a DC offset cannot dominate.
double phase_correlation(std::span<const float> l, std::span<const float> r) {
  const auto n = static_cast<double>(l.size());
  double mean_l = 0;
  double mean_r = 0;
  for (std::size_t i = 0; i < l.size(); ++i) {
    mean_l += static_cast<double>(l[i]);
    mean_r += static_cast<double>(r[i]);
  }
  mean_l /= n;
  mean_r /= n;
  double lr = 0;
  double ll = 0;
  double rr = 0;
  for (std::size_t i = 0; i < l.size(); ++i) {
    const double a = static_cast<double>(l[i]) - mean_l;
    const double b = static_cast<double>(r[i]) - mean_r;
    lr += a * b;
    ll += a * a;
    rr += b * b;
  }
  if (ll <= 0 || rr <= 0) return 1.0;
  return std::clamp(lr / std::sqrt(ll * rr), -1.0, 1.0);
}

}  // namespace

void measure_stereo(const AnalysisInput& in, Fingerprint& fp) {
  if (in.left.empty() || in.right.empty()) {
    fp[Dim::stereo_width] = 0.0;
    fp[Dim::phase_correlation] = 1.0;
    return;
  }
  fp[Dim::stereo_width] = stereo_width(in.left, in.right);
  fp[Dim::phase_correlation] = phase_correlation(in.left, in.right);
}

}  // namespace trackprint::features
