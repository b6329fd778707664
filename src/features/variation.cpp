// dynamic_range_variation, loudness_variation_std, peak_consistency (spec §Variation): how the
// track changes over time, from 0.5 s blocks every 0.25 s and a sparse RMS series.
#include <algorithm>
#include <cmath>
#include <vector>

#include "dsp/rms.hpp"
#include "features/families.hpp"

namespace trackprint::features {
namespace {
double mean_of(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

// Population standard deviation (numpy's default ddof=0).
double std_of(const std::vector<double>& v) {
  const double m = mean_of(v);
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size()));
}

double dynamic_range_variation(const std::vector<double>& peak, const std::vector<double>& rms) {
  std::vector<double> crest;
  for (std::size_t i = 0; i < peak.size(); ++i) {
    if (peak[i] > 1e-10 && rms[i] > 1e-10) crest.push_back(20.0 * std::log10(peak[i] / rms[i]));
  }
  if (crest.size() < 2) return 0.5;
  return std::clamp(std_of(crest) / 6.0, 0.0, 1.0);
}

double peak_consistency(const std::vector<double>& peak) {
  if (peak.size() < 2) return 0.5;
  const double m = mean_of(peak);
  if (m == 0) return 0.5;
  return std::clamp(1.0 / (1.0 + std_of(peak) / m), 0.0, 1.0);
}

// librosa.feature.rms(y, frame_length=2048, hop_length=5512), then amplitude_to_db(r, ref=max(r))
// with its default top_db=80 floor: the std is taken over the floored values.
double loudness_variation_std(const std::vector<float>& r) {
  if (r.empty()) return 0.0;
  const float ref = *std::max_element(r.begin(), r.end());
  if (!(ref > 0)) return 0.0;
  const std::vector<float> db = dsp::amplitude_to_db(r, ref);
  return std::clamp(std_of(std::vector<double>(db.begin(), db.end())), 0.0, 10.0);
}

}  // namespace

// Blocks start at 0 every H samples; the last ones start before len(y) and may be short (their
// RMS is over their own length).
VariationFamily::VariationFamily()
    : blocks_(kBlock, kBlockHop, dsp::FrameStream::Edges::truncated), rms_(kRmsFrame, kRmsHop) {}

void VariationFamily::push(std::span<const float> y) {
  dsp::in_pieces(y, [this](std::span<const float> piece) {
    blocks_.push(piece);
    drain();
  });
  rms_.push(y);
}

void VariationFamily::drain() {
  std::span<const float> block;
  while (blocks_.next(block)) {
    double peak = 0;
    double sum_sq = 0;
    for (float v : block) {
      const double x = static_cast<double>(v);
      peak = std::max(peak, std::abs(x));
      sum_sq += x * x;
    }
    block_peak_.push_back(peak);
    block_rms_.push_back(std::sqrt(sum_sq / static_cast<double>(block.size())));
  }
}

void VariationFamily::finish(Fingerprint& fp) {
  blocks_.finish();
  drain();
  rms_.finish();
  fp[Dim::dynamic_range_variation] = dynamic_range_variation(block_peak_, block_rms_);
  fp[Dim::loudness_variation_std] = loudness_variation_std(rms_.values());
  fp[Dim::peak_consistency] = peak_consistency(block_peak_);
  if (trace_ != nullptr) {
    trace_->block_rate = kAnalysisRate / static_cast<double>(kBlockHop);
    trace_->block_peak = block_peak_;
    trace_->block_rms = block_rms_;
    trace_->sparse_rms = rms_.values();
  }
}

void measure_variation(std::span<const float> y, Fingerprint& fp) {
  VariationFamily family;
  family.push(y);
  family.finish(fp);
}

}  // namespace trackprint::features
