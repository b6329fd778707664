// stereo_width and phase_correlation (spec §Stereo) on L and R at 22050 Hz, accumulated block by
// block as the resampler releases them, so neither channel is ever held whole. Each block of
// kBlock samples is summarised with two-pass moments (in double) and merged with Chan et al.'s
// pairwise update: the correlation needs no global mean in advance and a DC offset cannot
// cancel it away.
#include <algorithm>
#include <cmath>

#include "features/families.hpp"

namespace trackprint::features {

void StereoAccumulator::add(std::span<const float> left, std::span<const float> right) {
  std::size_t n = std::min(left.size(), right.size());
  std::size_t at = 0;
  if (!pending_left_.empty()) {  // complete the pending block first
    const std::size_t take = std::min(n, kBlock - pending_left_.size());
    const std::span<const float> l = left.first(take), r = right.first(take);
    pending_left_.insert(pending_left_.end(), l.begin(), l.end());
    pending_right_.insert(pending_right_.end(), r.begin(), r.end());
    at = take;
    if (pending_left_.size() < kBlock) return;
    add_block(pending_left_, pending_right_);
    pending_left_.clear();
    pending_right_.clear();
  }
  for (; n - at >= kBlock; at += kBlock) {
    add_block(left.subspan(at, kBlock), right.subspan(at, kBlock));
  }
  const std::span<const float> l = left.subspan(at, n - at), r = right.subspan(at, n - at);
  pending_left_.assign(l.begin(), l.end());
  pending_right_.assign(r.begin(), r.end());
}

void StereoAccumulator::add_block(std::span<const float> left, std::span<const float> right) {
  const std::size_t n = std::min(left.size(), right.size());
  if (n == 0) return;
  const auto nb = static_cast<double>(n);
  double sum_l = 0;
  double sum_r = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double l = static_cast<double>(left[i]);
    const double r = static_cast<double>(right[i]);
    const double m = (l + r) / 2.0;
    const double s = (l - r) / 2.0;
    mid_energy_ += m * m;
    side_energy_ += s * s;
    sum_l += l;
    sum_r += r;
  }
  const double mean_l = sum_l / nb;
  const double mean_r = sum_r / nb;
  double m2_l = 0;
  double m2_r = 0;
  double co = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double a = static_cast<double>(left[i]) - mean_l;
    const double b = static_cast<double>(right[i]) - mean_r;
    m2_l += a * a;
    m2_r += b * b;
    co += a * b;
  }
  const double na = count_;
  const double total = na + nb;
  const double dl = mean_l - mean_l_;
  const double dr = mean_r - mean_r_;
  mean_l_ += dl * nb / total;
  mean_r_ += dr * nb / total;
  m2_l_ += m2_l + dl * dl * na * nb / total;
  m2_r_ += m2_r + dr * dr * na * nb / total;
  co_ += co + dl * dr * na * nb / total;
  count_ = total;
}

void StereoAccumulator::finish(Fingerprint& fp) const {
  if (!pending_left_.empty()) {  // the last, partial block, summarised in a copy
    StereoAccumulator last = *this;
    last.add_block(pending_left_, pending_right_);
    last.pending_left_.clear();
    last.finish(fp);
    return;
  }
  if (count_ == 0) {  // a mono file has no L and R
    fp[Dim::stereo_width] = 0.0;
    fp[Dim::phase_correlation] = 1.0;
    return;
  }
  const double energy = mid_energy_ + side_energy_;
  fp[Dim::stereo_width] = energy > 0 ? side_energy_ / energy : 0.0;
  fp[Dim::phase_correlation] =
      (m2_l_ > 0 && m2_r_ > 0) ? std::clamp(co_ / std::sqrt(m2_l_ * m2_r_), -1.0, 1.0) : 1.0;
}

}  // namespace trackprint::features
