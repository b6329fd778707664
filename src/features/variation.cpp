// dynamic_range_variation, loudness_variation_std, peak_consistency (spec §Variation): how the
// track changes over time, from 0.5 s blocks every 0.25 s and a sparse RMS series.
#include <algorithm>
#include <cmath>
#include <vector>

#include "dsp/rms.hpp"
#include "features/families.hpp"

namespace trackprint::features {
namespace {
constexpr std::size_t kBlock = 11025;    // W: 0.5 s
constexpr std::size_t kBlockHop = 5512;  // H: 0.25 s
constexpr std::size_t kRmsFrame = 2048;
constexpr std::size_t kRmsHop = 5512;

struct BlockStats {
  std::vector<double> peak;
  std::vector<double> rms;
};

// Blocks start at 0 every H samples; the last one is the one that starts before len(y) and may
// be short (its RMS is over its own length).
BlockStats block_stats(std::span<const float> y) {
  BlockStats s;
  for (std::size_t start = 0; start < y.size(); start += kBlockHop) {
    const std::size_t end = std::min(start + kBlock, y.size());
    double peak = 0;
    double sum_sq = 0;
    for (std::size_t i = start; i < end; ++i) {
      const double x = static_cast<double>(y[i]);
      peak = std::max(peak, std::abs(x));
      sum_sq += x * x;
    }
    s.peak.push_back(peak);
    s.rms.push_back(std::sqrt(sum_sq / static_cast<double>(end - start)));
  }
  return s;
}

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

double dynamic_range_variation(const BlockStats& s) {
  std::vector<double> crest;
  for (std::size_t i = 0; i < s.peak.size(); ++i) {
    if (s.peak[i] > 1e-10 && s.rms[i] > 1e-10)
      crest.push_back(20.0 * std::log10(s.peak[i] / s.rms[i]));
  }
  if (crest.size() < 2) return 0.5;
  return std::clamp(std_of(crest) / 6.0, 0.0, 1.0);
}

double peak_consistency(const BlockStats& s) {
  if (s.peak.size() < 2) return 0.5;
  const double m = mean_of(s.peak);
  if (m == 0) return 0.5;
  return std::clamp(1.0 / (1.0 + std_of(s.peak) / m), 0.0, 1.0);
}

// librosa.feature.rms(y, frame_length=2048, hop_length=5512), then amplitude_to_db(r, ref=max(r))
// with its default top_db=80 floor: the std is taken over the floored values.
double loudness_variation_std(std::span<const float> y) {
  const std::vector<float> r = dsp::rms(y, kRmsFrame, kRmsHop);
  const float ref = *std::max_element(r.begin(), r.end());
  if (!(ref > 0)) return 0.0;
  const std::vector<float> db = dsp::amplitude_to_db(r, ref);
  return std::clamp(std_of(std::vector<double>(db.begin(), db.end())), 0.0, 10.0);
}

}  // namespace

void measure_variation(std::span<const float> y, Fingerprint& fp) {
  const BlockStats blocks = block_stats(y);
  fp[Dim::dynamic_range_variation] = dynamic_range_variation(blocks);
  fp[Dim::loudness_variation_std] = loudness_variation_std(y);
  fp[Dim::peak_consistency] = peak_consistency(blocks);
}

}  // namespace trackprint::features
